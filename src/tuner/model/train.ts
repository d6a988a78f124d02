// Regenerates src/tuner/model/predictor.json deterministically: draws training and held-out
// services from the scenario library, finds each one's best settings with the search, fits the
// ridge model from descriptors to settings, and measures its regret on the held-out services.
//   node --import tsx src/tuner/model/train.ts [--quick]
import { writeFileSync } from 'node:fs';
import { describeService, features } from '../descriptors.js';
import { fitPredictor, predictSettings } from '../predictor.js';
import { searchSettings } from '../search.js';
import { generateServices } from '../services.js';
import { replay } from '../simulator.js';
import { toPoint } from '../space.js';

const quick = process.argv.includes('--quick');
const TRAIN = quick ? 8 : 36;
const HELD_OUT = quick ? 4 : 12;
const BUDGET = quick ? 20 : 40;
const LAMBDA = 1;

const train = generateServices(TRAIN, 101);
const held = generateServices(HELD_OUT, 202);
const inputs: number[][] = [];
const targets: number[][] = [];
for (const [i, s] of train.entries()) {
  const found = searchSettings((o) => replay(s.trace, o).cost, { seed: 1, budget: BUDGET });
  inputs.push(features(describeService(s.trace)));
  targets.push(toPoint(found.best.options));
  process.stderr.write(`train ${i + 1}/${TRAIN}: cost ${found.best.cost}\n`);
}
let model = fitPredictor(inputs, targets, LAMBDA);
const rows = held.map((s, i) => {
  const searched = searchSettings((o) => replay(s.trace, o).cost, { seed: 1, budget: BUDGET }).best
    .cost;
  const predicted = replay(s.trace, predictSettings(s.trace, model)).cost;
  const defaults = replay(s.trace, {}).cost;
  process.stderr.write(
    `held-out ${i + 1}/${HELD_OUT}: search ${searched} predicted ${predicted} defaults ${defaults}\n`,
  );
  return { searched, predicted, defaults };
});
const regret = rows.map((r) => (r.predicted - r.searched) / Math.max(1, r.searched));
const sorted = [...regret].sort((a, b) => a - b);
const summary = {
  trainingServices: TRAIN,
  heldOutServices: HELD_OUT,
  searchBudget: BUDGET,
  meanRegret: regret.reduce((a, b) => a + b, 0) / regret.length,
  medianRegret: sorted[Math.floor(sorted.length / 2)] ?? 0,
  worstRegret: sorted[sorted.length - 1] ?? 0,
  beatsDefaults: rows.filter((r) => r.predicted < r.defaults).length,
  heldOut: rows,
  seeds: { train: 101, heldOut: 202, search: 1 },
};
model = fitPredictor(inputs, targets, LAMBDA, summary);
const file = new URL('./predictor.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(model, null, 2)}\n`);
process.stdout.write(`${JSON.stringify({ ...summary, heldOut: undefined })}\n`);
