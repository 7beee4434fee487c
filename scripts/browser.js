// What the checks run in headless Chromium share: the site's pages, the
// two widths a reader meets them at, and the browser itself.
'use strict';

const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

// Two widths: the phone layout swaps the wide charts for narrow ones and
// makes tables scroll, so each is checked as a reader would meet it.
const VIEWPORTS = [
  { width: 1280, height: 900 },
  { width: 360, height: 800 },
];

// Every HTML file under `dir`, in sorted order.
function htmlPages(dir) {
  const pages = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) pages.push(...htmlPages(full));
    else if (entry.name.endsWith('.html')) pages.push(full);
  }
  return pages.sort();
}

// Headless Chromium ($CHROMIUM, or the Debian package's), kept off the
// network and away from its first-run work.
function launchChromium() {
  return puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

module.exports = { VIEWPORTS, htmlPages, launchChromium };
