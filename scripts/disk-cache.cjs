/**
 * The repository's content-addressed disk caches (`<cache>/<shard>/<entry>`, an entry named by
 * the SHA-1 of what it depends on): the V8 code cache of the jest runs
 * (test/support/code-cache-runtime.cjs) and the compiled files of the SWC require hooks
 * (scripts/swc-options.cjs's transpiler). Entries are written whole or not at all (temporary
 * file, then rename), so processes side by side may share a cache; a read stamps the entry as
 * used (its mtime), and {@link pruneUnusedEntries} removes what no process has used for a while:
 * each edit of a source file leaves its old entry behind and nothing else would remove it.
 */
const { createHash } = require('crypto');
const fs = require('fs');
const path = require('path');

/**
 * The entry for `keyParts` (joined with NUL bytes, then hashed) in `cacheDir`.
 * @param {string} cacheDir
 * @param {...string} keyParts
 */
function entryPath(cacheDir, ...keyParts) {
  const hash = createHash('sha1').update(keyParts.join('\0')).digest('hex');
  return path.join(cacheDir, hash.slice(0, 2), hash.slice(2));
}

/**
 * The entry's bytes (or text, with an `encoding`), or undefined when there is none; a hit stamps it as used.
 * @param {string} file
 * @param {BufferEncoding} [encoding]
 */
function readEntry(file, encoding) {
  try {
    const data = fs.readFileSync(file, encoding);
    const now = new Date();
    fs.utimesSync(file, now, now);
    return data;
  } catch {
    return undefined;
  }
}

/**
 * Writes an entry whole or not at all; a disk that cannot take it only costs the cache. Returns whether it was written.
 * @param {string} file
 * @param {string | NodeJS.ArrayBufferView} data
 */
function writeEntry(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
    return true;
  } catch {
    fs.rmSync(tmp, { force: true });
    return false;
  }
}

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

module.exports = { entryPath, readEntry, writeEntry, pruneUnusedEntries };
