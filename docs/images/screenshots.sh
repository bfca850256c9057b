#!/bin/sh
# The screenshots of docs/files.md: the French workbook opened in LibreOffice Calc, and the
# French HTML report in Chromium. Needs (Debian) libreoffice-calc, poppler-utils, chromium
# and pngquant. Run from the repository's root: sh docs/images/screenshots.sh
set -eu
BINOME="${BINOME:-.venv/bin/binome}"
PYTHON="${PYTHON:-.venv/bin/python}"
OUT=docs/images
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# The workbook: one copy per sheet shown, with a print area, gridlines and headings, so
# that the PDF LibreOffice prints looks like the sheet on screen.
"$BINOME" match scenarios/examples/company_pool.json --out "$WORK/binomes.xlsx" --lang fr
"$PYTHON" - "$WORK" <<'PY'
import sys
import openpyxl

work = sys.argv[1]
for keep, area, name in (("Binômes", "A1:I21", "pairs"), ("Synthèse", "A1:D14", "summary")):
    book = openpyxl.load_workbook(f"{work}/binomes.xlsx")
    for other in [n for n in book.sheetnames if n != keep]:
        del book[other]
    sheet = book[keep]
    sheet.print_area = area
    sheet.print_options.gridLines = sheet.print_options.headings = True
    sheet.page_setup.fitToWidth = sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.save(f"{work}/{name}.xlsx")
PY
(cd "$WORK" && LANG=fr_FR.UTF-8 LC_ALL=fr_FR.UTF-8 soffice --headless --convert-to pdf pairs.xlsx summary.xlsx >/dev/null)
pdftoppm -r 150 -png -singlefile -x 105 -y 140 -W 1420 -H 385 "$WORK/pairs.pdf" "$WORK/pairs"
pdftoppm -r 150 -png -singlefile -x 105 -y 143 -W 1425 -H 320 "$WORK/summary.pdf" "$WORK/summary"

# The report: lower_capacity.yaml with its title and variant names in French.
mkdir "$WORK/scenario" && ln -s "$PWD/scenarios/examples" "$WORK/scenario/examples"
sed -e "s/^title: .*/title: Et si chaque mentor n'accompagnait qu'un·e mentoré·e ?/" \
    -e 's/name: capacity /name: capacité /' scenarios/lower_capacity.yaml > "$WORK/scenario/capacite.yaml"
"$BINOME" scenarios run "$WORK/scenario/capacite.yaml" --html "$WORK/rapport.html" --lang fr >/dev/null
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1500 \
    --screenshot="$WORK/report.png" "file://$WORK/rapport.html" 2>/dev/null

pngquant --quality=70-90 --speed 1 --force --output "$OUT/xlsx-pairs-fr.png" "$WORK/pairs.png"
pngquant --quality=70-90 --speed 1 --force --output "$OUT/xlsx-summary-fr.png" "$WORK/summary.png"
pngquant --quality=70-90 --speed 1 --force --output "$OUT/report-fr.png" "$WORK/report.png"
