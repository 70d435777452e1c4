// Loaded with `node --import` into each benchmarked process: on exit, writes its peak RSS and its CPU time (user +
// system, every thread) to $PF_RSS_FILE. In a worker thread it does nothing: the process writes when it exits.
import { isMainThread } from 'node:worker_threads';
import fs from 'node:fs';

const out = process.env.PF_RSS_FILE;
if (out && isMainThread) {
  process.on('exit', () => {
    fs.writeFileSync(out, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, cpuMs: cpuMs() }));
  });
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
