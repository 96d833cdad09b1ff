-- A pupil's name, for a school that insists on keeping one: only ever
-- sealed (ChaCha20-Poly1305 under the configuration's key, bound to the
-- school and the key), hex of nonce and ciphertext; NULL: no name.
ALTER TABLE pupils ADD COLUMN name_sealed TEXT;
