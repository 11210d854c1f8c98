// The e2e specs share one set of running services and one business time, which closing a date
// moves forward for every loan. The 200-customer simulation runs last: it leaves hundreds of loans
// open, and a later spec closing dates months ahead would make the books catch all of them up.
// The npm start demo runs just before it (it closes about two months of dates for its few loans).
// The replay spec runs after everything: it replays the whole history into every service.
const Sequencer = require('@jest/test-sequencer').default;

const RunLast = ['demo-seed.e2e-spec.ts', 'random-lifecycle.e2e-spec.ts', 'replay.e2e-spec.ts'];

class E2eSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => RunLast.findIndex((name) => test.path.endsWith(name));
    return [...tests].sort(
      (a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
    );
  }
}

module.exports = E2eSequencer;
