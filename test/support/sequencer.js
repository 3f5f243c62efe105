/**
 * jest's testSequencer (jest.config.js): the order in which the two workers take the test
 * files of both projects. A run ends when its last file ends, so the long files start first
 * and the short ones fill the gaps at the end (longest first keeps both workers busy to the
 * end).
 *
 * How long a file takes, in this order of preference:
 *  1. jest's own record of its last run on this machine (the default sequencer's cache,
 *     written after every run; a fresh clone or CI has none);
 *  2. test/support/test-durations.json: each file's wall seconds in a full cold `npm test`
 *     on the 2-core machine, written by `npm run test:profile -- --write-durations`, for the
 *     files that took at least its `minSeconds`;
 *  3. otherwise the file counts as short (half of `minSeconds`), and files of the same
 *     duration go by size, largest first (jest's rule for files it knows nothing about).
 * A file that failed in the last run still goes first (jest's rule), so that a fix is
 * confirmed early.
 *
 * Plain CommonJS: jest loads the sequencer itself, before any transform.
 */
const Sequencer = require('@jest/test-sequencer').default;
const path = require('path');

/** @typedef {{ minSeconds: number; seconds: Record<string, number> }} DurationTable */

/** @type {DurationTable} */
const TABLE = require('./test-durations.json');

/** The repository root: the table's paths are relative to it, with forward slashes. */
const ROOT = path.resolve(__dirname, '..', '..');

/** @param {string} file @returns {string} */
function tableKey(file) {
  return path.relative(ROOT, file).split(path.sep).join('/');
}

class DurationSequencer extends Sequencer {
  /**
   * @param {import('@jest/test-sequencer').TestSequencerOptions & { table?: DurationTable }} options
   *   jest's options; a test adds its own `table`
   */
  constructor(options) {
    super(options);
    /** @type {DurationTable} */
    this.table = options.table ?? TABLE;
  }

  /**
   * Expected milliseconds of a test file: jest's last run, else the table, else short.
   * @param {import('@jest/test-result').Test} test
   * @returns {number}
   */
  expectedMs(test) {
    const cached = this.time(test);
    if (cached !== undefined) return cached;
    const listed = this.table.seconds[tableKey(test.path)];
    return (listed ?? this.table.minSeconds / 2) * 1000;
  }

  /**
   * @param {Array<import('@jest/test-result').Test>} tests
   * @returns {Array<import('@jest/test-result').Test>}
   */
  sort(tests) {
    /** @type {Map<string, number>} */
    const sizes = new Map();
    /** @param {import('@jest/test-result').Test} t */
    const size = (t) => {
      if (!sizes.has(t.path)) sizes.set(t.path, t.context.hasteFS.getSize(t.path) ?? 0);
      return /** @type {number} */ (sizes.get(t.path));
    };
    const keyed = tests.map((test) => ({ test, failed: this.hasFailed(test), ms: this.expectedMs(test) }));
    keyed.sort((a, b) => {
      if (a.failed !== b.failed) return a.failed ? -1 : 1;
      if (a.ms !== b.ms) return b.ms - a.ms;
      return size(b.test) - size(a.test) || (a.test.path < b.test.path ? -1 : 1);
    });
    return keyed.map((k) => k.test);
  }
}

module.exports = DurationSequencer;
module.exports.tableKey = tableKey;
