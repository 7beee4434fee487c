#!/usr/bin/env node
// axe-core in headless Chromium on every HTML page of a built site.
//
// Usage: node scripts/axe-check.js SITE_DIR
// Prints each violation (rule, impact, page, the offending nodes) and, last,
// a line "axe: PAGES pages, N violations". Exits 1 if there are any.
'use strict';

const fs = require('fs');
const path = require('path');
const { pathToFileURL } = require('url');
const { VIEWPORTS, htmlPages, launchChromium } = require('./browser');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

async function main() {
  const site = path.resolve(process.argv[2] || 'output');
  const pages = htmlPages(site);
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const browser = await launchChromium();
  let count = 0;
  try {
    const page = await browser.newPage();
    for (const file of pages) {
      const rel = path.relative(site, file);
      for (const viewport of VIEWPORTS) {
        await page.setViewport(viewport);
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        await page.evaluate(axeSource);
        const result = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
          TAGS,
        );
        for (const v of result.violations) {
          count += 1;
          console.log(`${rel} @${viewport.width}px: ${v.id} (${v.impact}) ${v.help}`);
          for (const node of v.nodes.slice(0, 5)) {
            console.log(`    ${node.target.join(' ')}: ${node.failureSummary.replace(/\s+/g, ' ')}`);
          }
          if (v.nodes.length > 5) console.log(`    … and ${v.nodes.length - 5} more`);
        }
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`axe: ${pages.length} pages, ${count} violations`);
  process.exit(count > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(`axe-check: ${err.stack || err}`);
  process.exit(2);
});
