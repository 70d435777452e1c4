// Loaded with `node --import` into each benchmarked process: on exit, writes its peak RSS to $PF_RSS_FILE.
import fs from 'node:fs';

const out = process.env.PF_RSS_FILE;
if (out) {
  process.on('exit', () => {
    fs.writeFileSync(out, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
  });
}
