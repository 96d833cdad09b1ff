#!/usr/bin/env python3
"""Word (DOCX) documents from roadmap texts, for the plan import tests.

The seed documents (crates/plans/tests/fixtures/seed_*.txt) are text
extracted from Word tables: a line with tabs is a table row, other lines are
paragraphs, and a blank line between two rows is a page break (the table goes
on on the next page, often with a row cut in two). This script writes such a text back as a
real DOCX: paragraphs, tables with borders, a page break and a new table where
the text has one, and heading rows («I. Организационно-…» alone in the first
cell) as one cell spanning the table, the way Word documents have them.

    python3 tools/plans/seed_to_docx.py crates/plans/tests/fixtures/seed_000_alekseevsky.txt \
        crates/plans/tests/fixtures/seed_000_alekseevsky.docx
    python3 tools/plans/seed_to_docx.py --synthetic OUT.docx
    python3 tools/plans/seed_to_docx.py --unnumbered OUT.docx

`--synthetic` writes a plan that exercises what real Word files have and the
seeds do not: an automatically numbered «№» column (numbering.xml), a two-row
header with the responsibles' parts, vertically merged cells, a header row
repeated on every page, a row of column numbers, blocks «Инвариантная часть»,
«Вариативная часть», «Мониторинг эффективности».

`--unnumbered` writes a roadmap whose «№» column is empty throughout, with a
two-row merged header, blocks «Инвариантный блок», «Вариативный блок»,
«Мониторинг» across the table, a row cut by a page break and two activities
sharing cells merged down.

Only the standard library is used (zipfile and hand-written WordprocessingML).
"""

import re
import sys
import zipfile
from xml.sax.saxutils import escape

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""

DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/>
</Relationships>"""

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}">
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/><w:sz w:val="24"/><w:lang w:val="ru-RU"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
</w:styles>"""

# One list: «1.», «2.», … in the first column of the synthetic plan.
NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="multilevel"/>
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/><w:lvlJc w:val="left"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>"""


def run(text, bold=False):
    """A run; tabs inside paragraph text become <w:tab/>."""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    parts = text.split("\t")
    out = []
    for i, p in enumerate(parts):
        if i:
            out.append(f"<w:r>{rpr}<w:tab/></w:r>")
        if p:
            out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(p)}</w:t></w:r>')
    return "".join(out)


def paragraph(text, bold=False, center=False, page_break=False, numbered=None):
    ppr = []
    if numbered is not None:
        ppr.append(f'<w:numPr><w:ilvl w:val="{numbered}"/><w:numId w:val="1"/></w:numPr>')
    if center:
        ppr.append('<w:jc w:val="center"/>')
    ppr_xml = f"<w:pPr>{''.join(ppr)}</w:pPr>" if ppr else ""
    body = run(text, bold)
    if page_break:
        body += '<w:r><w:br w:type="page"/></w:r>'
    return f"<w:p>{ppr_xml}{body}</w:p>"


def cell(text, width, span=1, vmerge=None, bold=False, numbered=None):
    tcpr = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        tcpr.append(f'<w:gridSpan w:val="{span}"/>')
    if vmerge == "restart":
        tcpr.append('<w:vMerge w:val="restart"/>')
    elif vmerge == "continue":
        tcpr.append("<w:vMerge/>")
    paras = text.split("\n") if text else [""]
    body = "".join(paragraph(p, bold=bold, numbered=numbered) for p in paras)
    return f"<w:tc><w:tcPr>{''.join(tcpr)}</w:tcPr>{body}</w:tc>"


BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def table(rows, widths):
    """rows: lists of cells; a cell is a str or a dict(text=, span=, vmerge=,
    bold=, numbered=); a row may be a dict(cells=[...], header=True)."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblBorders>{BORDERS}</w:tblBorders>'
        f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    ]
    for row in rows:
        header = False
        if isinstance(row, dict):
            header = row.get("header", False)
            row = row["cells"]
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
        cells = []
        col = 0
        for c in row:
            c = {"text": c} if isinstance(c, str) else dict(c)
            span = c.get("span", 1)
            width = sum(widths[col : col + span])
            cells.append(cell(c.get("text", ""), width, span, c.get("vmerge"), c.get("bold", False), c.get("numbered")))
            col += span
        out.append(f"<w:tr>{trpr}{''.join(cells)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def document(body_xml, landscape=True):
    w, h = (16838, 11906) if landscape else (11906, 16838)
    orient = ' w:orient="landscape"' if landscape else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>'
        f"{body_xml}"
        f'<w:sectPr><w:pgSz w:w="{w}" w:h="{h}"{orient}/><w:pgMar w:top="851" w:right="851" w:bottom="851" w:left="1134" w:header="0" w:footer="0" w:gutter="0"/></w:sectPr>'
        "</w:body></w:document>"
    )


def write_docx(path, document_xml):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        # Fixed timestamps: the same input gives the same file.
        def add(name, data):
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)

        add("[Content_Types].xml", CONTENT_TYPES)
        add("_rels/.rels", ROOT_RELS)
        add("word/_rels/document.xml.rels", DOC_RELS)
        add("word/styles.xml", STYLES)
        add("word/numbering.xml", NUMBERING)
        add("word/document.xml", document_xml)


HEADING = re.compile(r"^\s*((?:[IVXІХ]+[.)]?)|(?:\d{1,2}(?:[.,]\d{1,2})*[.)]?)|Раздел\b)\s*\S")


def widths_for(n):
    """Column widths (twips) for n columns across a landscape A4 page: a narrow
    first column when it holds numbers, a wide second one for the text."""
    total = 14800
    if n == 1:
        return [total]
    if n == 2:
        return [9800, 5000]
    first, second = 900, 5600
    rest = (total - first - second) // (n - 2)
    return [first, second] + [rest] * (n - 2)


def seed_to_body(text):
    lines = text.split("\n")
    body = []
    i = 0
    pending_break = False
    while i < len(lines):
        line = lines[i]
        if "\t" not in line:
            # A blank line between two rows of a table: a page break.
            nxt = next((l for l in lines[i + 1 :] if l.strip()), "")
            prev_is_row = i > 0 and "\t" in lines[i - 1]
            if not line.strip() and prev_is_row and "\t" in nxt:
                pending_break = True
                i += 1
                continue
            stripped = line.strip()
            bold = stripped.startswith("**") or stripped.endswith("**")
            body.append(paragraph(line.replace("**", ""), bold=bold))
            i += 1
            continue
        rows = []
        while i < len(lines) and "\t" in lines[i]:
            rows.append(lines[i].split("\t"))
            i += 1
        if pending_break:
            body.append(paragraph("", page_break=True))
            pending_break = False
        n = max(len(r) for r in rows)
        widths = widths_for(n)
        out_rows = []
        for r in rows:
            r = r + [""] * (n - len(r))
            filled = [k for k, c in enumerate(r) if c.strip()]
            if filled == [0] and HEADING.match(r[0]) and n > 1:
                # A heading row: one cell across the table.
                out_rows.append([{"text": r[0].strip(), "span": n, "bold": True}])
            else:
                out_rows.append([c.strip() for c in r])
        body.append(table(out_rows, widths))
    return "".join(body)


def synthetic_body():
    """A school plan of support in the shape of regional templates."""
    p = [
        paragraph("УТВЕРЖДЕНО", bold=True),
        paragraph("приказом МБОУ «СОШ № 7» от 30.08.2024 № 112-од"),
        paragraph(""),
        paragraph("Адресная программа поддержки", bold=True, center=True),
        paragraph("МБОУ «СОШ № 7» на 2024-2025 учебный год", bold=True, center=True),
        paragraph(""),
        paragraph("Цель: перевод школы в эффективный режим функционирования."),
        paragraph("Задачи:"),
        paragraph("1) повысить профессиональные компетенции учителей;"),
        paragraph("2) обеспечить объективность оценочных процедур."),
        paragraph(""),
    ]
    widths = [700, 4700, 1700, 2000, 2000, 1600, 2100]
    header1 = {
        "header": True,
        "cells": [
            {"text": "№ п/п", "vmerge": "restart", "bold": True},
            {"text": "Мероприятие", "vmerge": "restart", "bold": True},
            {"text": "Срок", "vmerge": "restart", "bold": True},
            {"text": "Ответственные", "span": 2, "bold": True},
            {"text": "Форма проведения", "vmerge": "restart", "bold": True},
            {"text": "Ожидаемый результат", "vmerge": "restart", "bold": True},
        ],
    }
    header2 = {
        "header": True,
        "cells": [
            {"vmerge": "continue"},
            {"vmerge": "continue"},
            {"vmerge": "continue"},
            {"text": "ОО, оказывающая поддержку", "bold": True},
            {"text": "ОО, которой оказывается поддержка", "bold": True},
            {"vmerge": "continue"},
            {"vmerge": "continue"},
        ],
    }
    numbers = ["1", "2", "3", "4", "5", "6", "7"]

    def act(text, deadline, sup, supd, form, result, level=1):
        return [{"text": "", "numbered": level}, text, deadline, sup, supd, form, result]

    def block(title):
        return [{"text": title, "span": 7, "bold": True}]

    rows1 = [
        header1,
        header2,
        numbers,
        block("Инвариантная часть"),
        [{"text": "", "numbered": 0}, "Организационные мероприятия", "", "", "", "", ""],
        act("Заключение соглашения о сетевом взаимодействии со школой-наставником", "до 15.09.2024",
            "МБОУ «Лицей № 2»", "МБОУ «СОШ № 7»", "Двусторонняя встреча", "Соглашение"),
        act("Самодиагностика школы по методике «500+», выявление рисковых профилей", "Сентябрь – октябрь",
            "", "Администрация школы", "Анкетирование", "Аналитическая справка"),
        # A deadline merged down over two activities.
        [{"text": "", "numbered": 1}, "Посещение уроков учителей математики наставниками",
         {"text": "Ноябрь, декабрь, март, май", "vmerge": "restart"},
         {"text": "Учителя МБОУ «Лицей № 2»", "vmerge": "restart"}, "Заместитель директора по УВР",
         "Взаимопосещение уроков", "Протоколы посещения"],
        [{"text": "", "numbered": 1}, "Посещение уроков учителей русского языка наставниками",
         {"vmerge": "continue"}, {"vmerge": "continue"}, "Заместитель директора по УВР",
         "Взаимопосещение уроков", "Протоколы посещения"],
        [{"text": "", "numbered": 0}, "Работа с педагогическими кадрами", "", "", "", "", ""],
        # This activity's text goes on to the next page (a second table).
        act("Разработка индивидуальных образовательных маршрутов профессионального развития учителей, "
            "показавших профессиональные дефициты по итогам", "Декабрь-август", "Методист лицея",
            "Учителя-предметники", "Консультации офлайн и онлайн", "ИОМ педагогов"),
    ]
    rows2 = [
        header1,
        header2,
        ["", "диагностики, и сопровождение их реализации", "", "", "", "", ""],
        act("Участие в вебинарах регионального института развития образования", "По графику",
            "", "Педагоги школы", "Вебинар", "Сертификаты участников"),
        block("Вариативная часть"),
        act("Консультации психолога для родителей обучающихся с рисками учебной неуспешности", "По запросу",
            "Педагог-психолог лицея", "Классные руководители", "Консультации", "Журнал консультаций"),
        act("Совещание при директоре по итогам первого полугодия", "январь 2025 г.", "",
            "Директор", "Совещание", "Протокол совещания"),
        block("Мониторинг эффективности"),
        act("Мониторинг результатов ВПР и текущей успеваемости", "в течение года", "Куратор",
            "Заместитель директора по УВР", "", "Аналитическая справка, приказ"),
        act("Отчёт о реализации программы на педагогическом совете", "7.08.-11.08.2025 года", "",
            "Директор", "Педагогический совет", "Отчет, протокол педсовета"),
    ]
    body = "".join(p)
    body += table(rows1, widths)
    body += paragraph("", page_break=True)
    body += table(rows2, widths)
    body += paragraph("")
    body += paragraph("Директор МБОУ «СОШ № 7»\tИ.И. Петрова")
    return body


def unnumbered_body():
    """A municipal roadmap whose «№» column is left empty throughout: only the
    cells of each row tell an activity from a row continued on the next page."""
    p = [
        paragraph("УПРАВЛЕНИЕ ОБРАЗОВАНИЯ АДМИНИСТРАЦИИ ЗАРЕЧНОГО МУНИЦИПАЛЬНОГО ОКРУГА", bold=True, center=True),
        paragraph(""),
        paragraph("Дорожная карта", bold=True, center=True),
        paragraph("по поддержке школ с низкими результатами обучения Заречного муниципального округа "
                  "на 2025-2026 учебный год", bold=True, center=True),
        paragraph(""),
    ]
    widths = [600, 4600, 1900, 2000, 2000, 2300]
    header1 = {
        "header": True,
        "cells": [
            {"text": "№", "vmerge": "restart", "bold": True},
            {"text": "Мероприятие", "vmerge": "restart", "bold": True},
            {"text": "Срок", "vmerge": "restart", "bold": True},
            {"text": "Ответственные", "span": 2, "bold": True},
            {"text": "Ожидаемый результат", "vmerge": "restart", "bold": True},
        ],
    }
    header2 = {
        "header": True,
        "cells": [
            {"vmerge": "continue"},
            {"vmerge": "continue"},
            {"vmerge": "continue"},
            {"text": "Муниципальный уровень", "bold": True},
            {"text": "Школьный уровень", "bold": True},
            {"vmerge": "continue"},
        ],
    }

    def act(text, deadline, municipal, school, result):
        return ["", text, deadline, municipal, school, result]

    def block(title):
        return [{"text": title, "span": 6, "bold": True}]

    rows1 = [
        header1,
        header2,
        block("Инвариантный блок"),
        act("Анализ результатов ВПР и ГИА школ с низкими результатами обучения", "до 15.09.2025",
            "Управление образования", "Директора школ", "Аналитическая справка"),
        act("Заключение договоров о сетевом взаимодействии школ-наставников и школ с низкими результатами.",
            "Сентябрь 2025", "Управление образования", "Директора школ", "Договоры"),
        act("Разработка программ повышения качества образования в школах с низкими результатами",
            "сентябрь – октябрь 2025", "Методический центр", "Директора школ", "Программы школ"),
        # Cut by the page break: the text and the deadline go on on the next page.
        act("Проведение методических семинаров для учителей", "В течение", "Методический центр",
            "Заместители директоров", "Материалы семинаров"),
    ]
    rows2 = [
        header1,
        header2,
        act("математики и русского языка по итогам диагностики", "учебного года", "", "", ""),
        # Two activities sharing every cell but the text (merged down).
        ["", "Посещение уроков учителей математики наставниками",
         {"text": "Ноябрь, декабрь, март, май", "vmerge": "restart"},
         {"text": "Школы-наставники", "vmerge": "restart"},
         {"text": "Заместители директоров по УВР", "vmerge": "restart"},
         {"text": "Протоколы посещения", "vmerge": "restart"}],
        ["", "Посещение уроков учителей русского языка наставниками",
         {"vmerge": "continue"}, {"vmerge": "continue"}, {"vmerge": "continue"}, {"vmerge": "continue"}],
        block("Вариативный блок"),
        act("Консультации психолога для родителей обучающихся с рисками учебной неуспешности", "По запросу",
            "", "Педагоги-психологи", "Журнал консультаций"),
        act("Участие учителей в вебинарах регионального института развития образования", "По графику",
            "Институт развития образования", "Учителя", "Сертификаты участников"),
        act("Стажировки учителей в школах-наставниках", "январь – март 2026 г.", "Управление образования",
            "Директора школ", "Отчёты о стажировках"),
        act("Совещание директоров по итогам первого полугодия", "25.01.2026", "Управление образования", "",
            "Протокол совещания"),
        block("Мониторинг"),
        act("Мониторинг текущей успеваемости в школах с низкими результатами", "Ежемесячно",
            "Управление образования", "Заместители директоров по УВР", "Мониторинговые справки"),
        act("Анализ результатов ВПР весной 2026 года", "апрель-май 2026", "Методический центр", "",
            "Аналитическая справка"),
        act("Отчёт о реализации дорожной карты на совещании руководителей", "до 30.06.2026",
            "Управление образования", "Директора школ", "Приказ об итогах"),
    ]
    body = "".join(p)
    body += table(rows1, widths)
    body += paragraph("", page_break=True)
    body += table(rows2, widths)
    body += paragraph("")
    body += paragraph("Начальник управления образования\tА.В. Смирнова")
    return body


def main(argv):
    if len(argv) == 3 and argv[1] == "--synthetic":
        write_docx(argv[2], document(synthetic_body()))
    elif len(argv) == 3 and argv[1] == "--unnumbered":
        write_docx(argv[2], document(unnumbered_body()))
    elif len(argv) == 3:
        with open(argv[1], encoding="utf-8") as f:
            text = f.read()
        write_docx(argv[2], document(seed_to_body(text)))
    else:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
