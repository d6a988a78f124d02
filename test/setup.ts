// Loaded into every test process (scripts/run-tests.js). An unhandled rejection anywhere in the
// suite fails the run: "no unhandled rejection" is a promise of the library, not a hope.
process.on('unhandledRejection', (reason) => {
  process.exitCode = 1;
  console.error('unhandled rejection in test process:', reason);
  throw reason;
});
