#!/usr/bin/env node
// Layout in headless Chromium on every HTML page of a built site: what a
// reader would see go wrong at a phone's width, a desktop's, and on paper.
//
// Usage: node scripts/layout-check.js SITE_DIR
//
// Findings, at 1,280 and 360 px:
//   - the page scrolls sideways (something is wider than the screen);
//   - a chart's picture is wider than its column;
//   - a row of a table is more than one line high in a column of dates or
//     numbers (a date split over two lines, a count wrapped);
// at 1,280 px only:
//   - a brief's table does not fit (it scrolls in its box);
// and printed (A4, the stylesheet's print rules):
//   - a page other than the last is less than half filled (a chart or
//     table pushed over, leaving a gap);
//   - the last page holds no more than the footer.
// Tables that scroll in their box at 360 px are listed, not counted: a wide
// table on a phone scrolls, and shows a shade at the edge that has more.
//
// Prints each finding and, last, "layout: PAGES pages, N findings". Exits 1
// if there are any. Printing needs pdftoppm (poppler-utils).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { pathToFileURL } = require('url');
const { VIEWPORTS, htmlPages, launchChromium } = require('./browser');

// A page is "filled" down to its lowest ink, as a share of the part of the
// sheet inside the top and bottom margins (the page number sits below).
const MIN_FILL = 0.5;
const MIN_LAST_FILL = 0.08;

// What goes wrong on screen, measured in the page.
function screenFindings(width) {
  const found = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    found.push(`the page is ${doc.scrollWidth} px wide, wider than the screen`);
  }
  for (const img of document.querySelectorAll('figure.chart .chart-image img')) {
    const column = img.closest('figure').getBoundingClientRect().width;
    if (img.getBoundingClientRect().width > column + 1) {
      found.push(`chart ${img.getAttribute('src')} is wider than its column`);
    }
  }
  const scrolling = [];
  const tables = document.querySelectorAll('.table-scroll table, details.chart-data table');
  for (const table of tables) {
    const box = table.closest('.table-scroll, details.chart-data');
    const name = box.matches('.table-scroll') ? box.getAttribute('aria-label') : `the data of ${table.closest('figure').id}`;
    const caption = table.querySelector('caption');
    if (caption && caption.getBoundingClientRect().right > box.getBoundingClientRect().right + 1) {
      found.push(`${name}: its title runs past the edge of the screen`);
    }
    if (box.scrollWidth > box.clientWidth + 1) {
      if (width >= 1000) found.push(`${name} does not fit: it scrolls in its box`);
      else scrolling.push(`${name} (${box.scrollWidth} px in ${box.clientWidth} px)`);
    }
    // A column whose cells are all short (dates, counts, years) must keep
    // each on one line.
    const rows = [...table.querySelectorAll('tbody tr')];
    if (rows.length === 0) continue;
    const columns = rows[0].children.length;
    for (let c = 0; c < columns; c++) {
      const cells = rows.map((r) => r.children[c]).filter(Boolean);
      const short = cells.every((cell) => /^[\d\s\u00a0.,%*–+\-−]*[A-Za-z]{0,4}[\d\s\u00a0.,%*–\-]*$/.test(cell.textContent.trim()));
      if (!short) continue;
      for (const cell of cells) {
        const style = getComputedStyle(cell);
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.6;
        const inner = cell.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
        // A cell is as tall as its row, so its height alone says nothing:
        // its text is wrapped when it sits on more than one line and its
        // content box holds more than one.
        const range = document.createRange();
        range.selectNodeContents(cell);
        const lines = range.getClientRects();
        const tops = new Set([...lines].map((r) => Math.round(r.top)));
        if (tops.size > 1 && inner > line * 1.5) {
          found.push(`${name}: “${cell.textContent.trim()}” wraps onto ${tops.size} lines`);
          break;
        }
      }
    }
  }
  return { found, scrolling };
}

// The lowest inked row of each page of a PDF, as a share of the area
// inside the page's top and bottom margins (read from a grey PGM).
function pageFills(pdf, marginsMm) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layout-'));
  const file = path.join(dir, 'page.pdf');
  fs.writeFileSync(file, pdf);
  execFileSync('pdftoppm', ['-gray', '-r', '24', file, path.join(dir, 'p')]);
  const fills = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.pgm'))
    .sort()
    .map((f) => {
      const data = fs.readFileSync(path.join(dir, f));
      const header = data.toString('latin1', 0, 64).split(/\s+/);
      const [w, h] = [Number(header[1]), Number(header[2])];
      const offset = data.length - w * h;
      const top = Math.round((marginsMm.top / 297) * h);
      const bottom = Math.round(((297 - marginsMm.bottom) / 297) * h);
      let lowest = top;
      for (let y = top; y < bottom; y++) {
        const row = data.subarray(offset + y * w, offset + (y + 1) * w);
        if (row.some((v) => v < 200)) lowest = y;
      }
      return (lowest - top) / (bottom - top);
    });
  fs.rmSync(dir, { recursive: true, force: true });
  return fills;
}

async function main() {
  const site = path.resolve(process.argv[2] || 'output');
  const pages = htmlPages(site);
  const browser = await launchChromium();
  let count = 0;
  const report = (rel, where, text) => {
    count += 1;
    console.log(`${rel} ${where}: ${text}`);
  };
  try {
    const page = await browser.newPage();
    for (const file of pages) {
      const rel = path.relative(site, file);
      for (const viewport of VIEWPORTS) {
        await page.setViewport(viewport);
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        // The charts' data tables are measured as a reader who opens them
        // sees them.
        await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
        const { found, scrolling } = await page.evaluate(screenFindings, viewport.width);
        for (const f of found) report(rel, `@${viewport.width}px`, f);
        for (const s of scrolling) console.log(`${rel} @${viewport.width}px: (scrolls in its box) ${s}`);
      }
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: false });
      // The stylesheet's @page margins (A4, 15 mm at the top, 16 mm at the
      // foot).
      const fills = pageFills(pdf, { top: 15, bottom: 16 });
      console.log(`${rel} printed: ${fills.length} pages, filled ${fills.map((f) => `${Math.round(f * 100)}%`).join(' ')}`);
      fills.forEach((fill, i) => {
        const last = i === fills.length - 1;
        if (!last && fill < MIN_FILL) report(rel, 'printed', `page ${i + 1} of ${fills.length} is ${Math.round(fill * 100)}% filled`);
        if (last && fills.length > 1 && fill < MIN_LAST_FILL) report(rel, 'printed', `the last page holds only ${Math.round(fill * 100)}% (the footer alone?)`);
      });
    }
  } finally {
    await browser.close();
  }
  console.log(`layout: ${pages.length} pages, ${count} findings`);
  process.exit(count > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(`layout-check: ${err.stack || err}`);
  process.exit(2);
});
