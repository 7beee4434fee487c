"""Writes the .ods files of the bad-input corpus (tests/corpus.rs):

    python3 tests/corpus/make-ods.py

release.ods          a small, good Home Office-style release (21 days)
no-sb01.ods          a good spreadsheet whose tables are not SB_01/SB_02
zip-bomb.ods         a real ODS zip whose content.xml inflates to 300 MB of
                     zeros (about 290 KB on disk)
repeat-bomb.ods      a tiny ODS whose one repeated cell calamine would fill in
                     96 million times
"""
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "fuzz", "seeds"))
import make_release  # noqa: E402

make_release.write(os.path.join(HERE, "release.ods"), zipfile.ZIP_DEFLATED)
make_release.write(os.path.join(HERE, "no-sb01.ods"), zipfile.ZIP_DEFLATED, ("Daily", "Weekly"))

ZEROS = 300_000_000
with zipfile.ZipFile(os.path.join(HERE, "zip-bomb.ods"), "w", compression=zipfile.ZIP_DEFLATED,
                     compresslevel=9) as z:
    z.writestr("mimetype", make_release.MIMETYPE, compress_type=zipfile.ZIP_STORED)
    z.writestr("META-INF/manifest.xml", make_release.MANIFEST)
    info = zipfile.ZipInfo("content.xml")
    info.compress_type = zipfile.ZIP_DEFLATED
    with z.open(info, "w") as f:
        chunk = bytes(1_000_000)
        for _ in range(ZEROS // len(chunk)):
            f.write(chunk)

# A few hundred bytes whose one cell, repeated, calamine would fill in as 96
# million cells (several gigabytes).
REPEAT = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content ' + make_release.NS + '>'
          '<office:body><office:spreadsheet><table:table table:name="SB_01">'
          '<table:table-row table:number-rows-repeated="6000"><table:table-cell '
          'office:value-type="float" office:value="1" table:number-columns-repeated="16000">'
          '<text:p>1</text:p></table:table-cell></table:table-row></table:table>'
          '</office:spreadsheet></office:body></office:document-content>')
with zipfile.ZipFile(os.path.join(HERE, "repeat-bomb.ods"), "w") as z:
    z.writestr("mimetype", make_release.MIMETYPE, compress_type=zipfile.ZIP_STORED)
    z.writestr("META-INF/manifest.xml", make_release.MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
    z.writestr("content.xml", REPEAT, compress_type=zipfile.ZIP_DEFLATED)
