//! Pupils' names, for a school that insists on keeping them: sealed with
//! ChaCha20-Poly1305 under a key from the configuration
//! (`OPORA_PUPIL_NAME_KEY`, 64 hexadecimal characters), so the database,
//! its backups and anyone reading them hold only ciphertext. The sealed
//! text is bound to its pupil (the school and the key are the associated
//! data): moved to another row it does not open.
//!
//! Pure: the caller supplies the nonce (12 random bytes), so sealing is
//! testable; the web draws it from the operating system.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

/// What went wrong with a key or a sealed name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("ключ шифрования имён должен состоять из 64 шестнадцатеричных символов (32 байта), например полученных командой «openssl rand -hex 32»")]
    BadKey,
    #[error(
        "имя не расшифровывается этим ключом: ключ в настройках сменился или запись повреждена"
    )]
    Unreadable,
    #[error("имя длиннее 200 знаков")]
    TooLong,
}

/// The key names are sealed with.
#[derive(Clone)]
pub struct NameKey(Key);

impl std::fmt::Debug for NameKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NameKey(скрыт)")
    }
}

/// The associated data binding a sealed name to its pupil.
fn bound_to(school_id: i64, student_key: &str) -> Vec<u8> {
    format!("opora-pupil-name|{school_id}|{student_key}").into_bytes()
}

impl NameKey {
    /// A key from its 64 hexadecimal characters.
    pub fn parse(hex_text: &str) -> Result<NameKey, NameError> {
        let bytes = hex::decode(hex_text.trim()).map_err(|_| NameError::BadKey)?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| NameError::BadKey)?;
        Ok(NameKey(Key::from(bytes)))
    }

    /// The sealed form of `name` for the pupil (hex of nonce and
    /// ciphertext).
    pub fn seal(
        &self,
        name: &str,
        school_id: i64,
        student_key: &str,
        nonce: [u8; 12],
    ) -> Result<String, NameError> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.chars().count() > 200 {
            return Err(NameError::TooLong);
        }
        let aad = bound_to(school_id, student_key);
        let sealed = ChaCha20Poly1305::new(&self.0)
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: name.as_bytes(),
                    aad: &aad,
                },
            )
            .map_err(|_| NameError::Unreadable)?;
        Ok(hex::encode([nonce.as_slice(), &sealed].concat()))
    }

    /// The name sealed for the pupil.
    pub fn open(
        &self,
        sealed: &str,
        school_id: i64,
        student_key: &str,
    ) -> Result<String, NameError> {
        let bytes = hex::decode(sealed).map_err(|_| NameError::Unreadable)?;
        if bytes.len() < 12 {
            return Err(NameError::Unreadable);
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let aad = bound_to(school_id, student_key);
        let plain = ChaCha20Poly1305::new(&self.0)
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| NameError::Unreadable)?;
        String::from_utf8(plain).map_err(|_| NameError::Unreadable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn a_sealed_name_opens_only_for_its_pupil_and_key() {
        let key = NameKey::parse(KEY).unwrap();
        let sealed = key.seal("Иванов  Иван", 7, "P123", [1; 12]).unwrap();
        assert!(!sealed.contains("Иванов"));
        assert!(!hex::decode(&sealed)
            .unwrap()
            .windows(6)
            .any(|w| w == "Ива".as_bytes()));
        assert_eq!(key.open(&sealed, 7, "P123").unwrap(), "Иванов Иван");
        assert_eq!(key.open(&sealed, 7, "P124"), Err(NameError::Unreadable));
        assert_eq!(key.open(&sealed, 8, "P123"), Err(NameError::Unreadable));
        let other = NameKey::parse(&KEY.replace("1f", "20")).unwrap();
        assert_eq!(other.open(&sealed, 7, "P123"), Err(NameError::Unreadable));
        // A fresh nonce gives a different text for the same name.
        assert_ne!(key.seal("Иванов Иван", 7, "P123", [2; 12]).unwrap(), sealed);
    }

    #[test]
    fn keys_are_64_hex_characters_and_never_printed() {
        assert_eq!(NameKey::parse("abc").unwrap_err(), NameError::BadKey);
        assert_eq!(
            NameKey::parse(&"zz".repeat(32)).unwrap_err(),
            NameError::BadKey
        );
        let key = NameKey::parse(KEY).unwrap();
        assert_eq!(format!("{key:?}"), "NameKey(скрыт)");
    }
}
