"""Writes small Home Office-style releases (tables SB_01 and SB_02) as
seeds for the ods_import target: one with content.xml deflated, as
published, and one stored, so that the fuzzer can reach the XML itself.

    python3 fuzz/seeds/make_release.py fuzz/seeds/ods_import
"""
import datetime
import sys
import zipfile

NS = ('xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type="' + MIMETYPE + '"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>')
META = ('<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>'
        '<meta:creation-date>2026-08-21T07:37:01Z</meta:creation-date></office:meta>'
        '</office:document-meta>')


def cell(kind, value, text):
    if kind == "date":
        return (f'<table:table-cell office:value-type="date" office:date-value="{value}T00:00:00">'
                f'<text:p>{text}</text:p></table:table-cell>')
    if kind == "float":
        return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                f'<text:p>{value}</text:p></table:table-cell>')
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def row(cells):
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


def content(days):
    sb01 = row([cell("s", "", h) for h in ["Date", "Migrants arrived", "Boats arrived", "Notes"]])
    for d, p, b in days:
        sb01 += row([cell("date", d.isoformat(), d.strftime("%d/%m/%Y")),
                     cell("float", p, ""), cell("float", b, ""), cell("s", "", "-")])
    sb02 = row([cell("s", "", h) for h in ["Week ending", "Migrants arrived", "Boats arrived"]])
    for i, (d, _, _) in enumerate(days):
        if d.weekday() == 6 and i >= 6:
            week = days[i - 6:i + 1]
            sb02 += row([cell("date", d.isoformat(), d.strftime("%d/%m/%Y")),
                         cell("float", sum(x[1] for x in week), ""),
                         cell("float", sum(x[2] for x in week), "")])
    sb02 += '<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="3"/></table:table-row>'
    return (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}><office:body>'
            f'<office:spreadsheet><table:table table:name="SB_01">{sb01}</table:table>'
            f'<table:table table:name="SB_02">{sb02}</table:table></office:spreadsheet>'
            '</office:body></office:document-content>')


def write(path, compression, names=("SB_01", "SB_02")):
    start = datetime.date(2018, 1, 1)
    days = []
    for i in range(21):
        people = 0 if i % 9 == 4 else 30 + (i * 7) % 13
        days.append((start + datetime.timedelta(days=i), people, people // 20))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", MIMETYPE, compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("meta.xml", META, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content(days).replace("SB_01", names[0]).replace("SB_02", names[1]),
                   compress_type=compression)


if __name__ == "__main__":
    out = sys.argv[1]
    write(f"{out}/release.ods", zipfile.ZIP_DEFLATED)
    write(f"{out}/release-stored.ods", zipfile.ZIP_STORED)
