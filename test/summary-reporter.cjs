// Ends the run with one plain line, "conntune: N passed, N failed, N skipped", so any reader
// of the log (CI included) can tell how many tests ran without knowing jest's format.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests
    process.stdout.write(`\nconntune: ${results.numPassedTests} passed, ${results.numFailedTests + results.numRuntimeErrorTestSuites} failed, ${skipped} skipped\n`)
  }
}
module.exports = SummaryReporter
