// `npm run bench -- adaptive`: every scenario of src/scenarios against the static breaker (with
// its defaults and with hand-tuned settings) and each adaptive control, closed loop on a
// ManualClock. Deterministic: the figures are exact counts, the same on every machine.
import { contenders, evaluate } from '../src/adaptive/evaluation.js';
import { reportTable } from '../src/adaptive/table.js';
import { scenarioNames, scenarios } from '../src/scenarios/index.js';

/** Seed of every run (the dependency's draws and the policies' random). */
const SEED = 1;

export async function run(): Promise<void> {
  console.log(`adaptive protection, seed ${SEED}; contenders:`);
  for (const c of contenders) console.log(`- ${c.label}: ${c.summary}`);
  for (const name of scenarioNames) {
    const scenario = scenarios[name];
    console.log(`\n### ${name}: ${scenario.description}\n`);
    console.log(reportTable(await evaluate(scenario, SEED)));
  }
}
