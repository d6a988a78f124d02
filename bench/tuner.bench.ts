// The tuner: simulator evaluations per second on a 1-hour trace at 50 calls/s (target >= 20/s),
// the search's distance to the exhaustive grid optimum on generated traces (target within 5 %
// in <= 100 evaluations, and better than the defaults on every trace), and the predictor's
// regret against the grid optimum on the same traces (services it was not trained on).
//   npm run bench -- tuner
import { generateTrace } from '../src/scenarios/trace.js';
import { scenarios } from '../src/scenarios/catalog.js';
import { gridOptimum } from '../src/tuner/grid.js';
import { predictSettings, shippedPredictor } from '../src/tuner/predictor.js';
import { searchSettings } from '../src/tuner/search.js';
import { generateServices } from '../src/tuner/services.js';
import { replay } from '../src/tuner/simulator.js';
import { splitTrace } from '../src/tuner/trace.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function simulatorSpeed(): void {
  const calls = generateTrace(scenarios['spike-60'], { seed: 1, duration: 3_600_000, rate: 50 });
  const trace = splitTrace(calls).services[0]!;
  const settings = {
    defaults: {},
    'time window 10s, 50%': {
      window: { kind: 'time', size: 10_000, buckets: 10 },
      failureRateThreshold: 50,
      minimumCalls: 20,
      timeout: 5000,
      maxRequests: 3,
    },
  } as const;
  console.log(`simulator: ${trace.times.length} calls (1 h at 50 calls/s), best of 7 rounds`);
  for (const [label, options] of Object.entries(settings)) {
    replay(trace, options);
    let wall = Infinity;
    let cpu = Infinity;
    for (let round = 0; round < 7; round++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      replay(trace, options);
      wall = Math.min(wall, performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu = Math.min(cpu, (c.user + c.system) / 1000);
    }
    console.log(
      `  ${label.padEnd(22)} ${wall.toFixed(1)} ms wall (${(1000 / wall).toFixed(1)} evaluations/s), ${cpu.toFixed(1)} ms CPU (${(1000 / cpu).toFixed(1)}/s)`,
    );
  }
}

function searchQuality(): void {
  const services = generateServices(6, 303, 300_000);
  const model = shippedPredictor();
  console.log('\nsearch vs the 2625-point grid optimum (GP-EI, 100 evaluations, seed 1)');
  console.log(
    '  trace                calls   defaults   grid opt     search  distance  evals to 5%  predictor  regret',
  );
  let worst = -Infinity;
  let worstPredictor = -Infinity;
  let beatDefaults = 0;
  for (const s of services) {
    const objective = (o: object) => replay(s.trace, o).cost;
    const grid = gridOptimum(objective);
    const found = searchSettings(objective, { seed: 1, budget: 100 });
    const defaults = objective({});
    const distance = (found.best.cost - grid.cost) / Math.max(1, grid.cost);
    const within = found.history.findIndex((h) => h.cost <= grid.cost * 1.05);
    const predicted = objective(predictSettings(s.trace, model));
    const regret = (predicted - grid.cost) / Math.max(1, grid.cost);
    worst = Math.max(worst, distance);
    worstPredictor = Math.max(worstPredictor, regret);
    if (found.best.cost < defaults) beatDefaults++;
    console.log(
      `  ${s.scenario.name.padEnd(18)} ${String(s.trace.times.length).padStart(7)} ${String(defaults).padStart(10)} ${String(grid.cost).padStart(10)} ${String(found.best.cost).padStart(10)} ${pct(distance).padStart(9)} ${String(within < 0 ? '-' : within + 1).padStart(12)} ${String(predicted).padStart(10)} ${pct(regret).padStart(7)}`,
    );
  }
  console.log(
    `  worst search distance ${pct(worst)} (target <= 5%); better than the defaults on ${beatDefaults}/${services.length}; worst predictor regret ${pct(worstPredictor)}`,
  );
  const p = model.provenance as {
    meanRegret?: number;
    medianRegret?: number;
    worstRegret?: number;
    heldOutServices?: number;
  };
  if (p.meanRegret !== undefined) {
    console.log(
      `  shipped model, regret vs the search on ${p.heldOutServices} held-out services (from training): mean ${pct(p.meanRegret)}, median ${pct(p.medianRegret ?? 0)}, worst ${pct(p.worstRegret ?? 0)}`,
    );
  }
}

/** Runs the tuner benchmarks and prints their tables. */
export async function run(): Promise<void> {
  simulatorSpeed();
  searchQuality();
  await Promise.resolve();
}
