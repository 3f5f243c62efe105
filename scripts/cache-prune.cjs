/**
 * Pruning for the repository's sharded disk caches (`<cache>/<shard>/<entry>`): the V8 code
 * cache of the jest runs (test/support/code-cache-runtime.cjs) and the compiled files of
 * npm start's require hook (scripts/swc-options.cjs). Each edit of a source file leaves its
 * old entry behind and nothing else would remove it; a read or write stamps an entry's mtime.
 */
const fs = require('fs');
const path = require('path');

/**
 * Removes the entries (and temporary files left by a process that died while writing) that
 * no process has read or written for `unusedDays`. A missing cache is empty. Returns how many went.
 * @param {string} cacheDir
 * @param {number} unusedDays
 * @param {number} now
 */
function pruneUnusedEntries(cacheDir, unusedDays, now) {
  const oldest = now - unusedDays * 24 * 3600 * 1000;
  let removed = 0;
  let shards;
  try {
    shards = fs.readdirSync(cacheDir);
  } catch {
    return 0;
  }
  for (const shard of shards) {
    const shardDir = path.join(cacheDir, shard);
    let entries;
    try {
      entries = fs.readdirSync(shardDir);
    } catch {
      continue;
    }
    for (const entry of entries) {
      const file = path.join(shardDir, entry);
      try {
        if (fs.statSync(file).mtimeMs < oldest) {
          fs.rmSync(file, { force: true });
          removed++;
        }
      } catch {
        // Removed meanwhile by another process: nothing to do.
      }
    }
  }
  return removed;
}

module.exports = { pruneUnusedEntries };
