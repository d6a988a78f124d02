import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CircuitBreaker } from '../core/circuit-breaker.js';
import { fitPredictor, predictPoint, predictSettings, shippedPredictor } from './predictor.js';
import { searchSettings } from './search.js';
import { generateServices } from './services.js';
import { replay } from './simulator.js';
import { DIMENSIONS } from './space.js';

describe('predictor and search', () => {
  it('fitPredictor recovers a linear map (ridge with a small penalty)', () => {
    const inputs = Array.from({ length: 40 }, (_, i) => [
      i % 7,
      (i * 3) % 11,
      i / 10,
      1,
      (i * i) % 5,
      i % 2,
    ]);
    const targets = inputs.map((x) =>
      DIMENSIONS.map((_, d) => 0.3 + 0.02 * (x[0] ?? 0) - 0.01 * (x[1] ?? 0) + 0.01 * d),
    );
    const model = fitPredictor(inputs, targets, 1e-6);
    const probe = [3, 4, 2.5, 1, 2, 1];
    const expected = DIMENSIONS.map((_, d) => 0.3 + 0.06 - 0.04 + 0.01 * d);
    predictPoint(model, probe).forEach((v, d) => {
      assert.ok(Math.abs(v - (expected[d] ?? 0)) < 1e-6, `dimension ${d}: ${v}`);
    });
  });

  it('the shipped model predicts settings a breaker accepts, and its regret was measured', () => {
    const model = shippedPredictor();
    assert.equal(model.weights.length, DIMENSIONS.length);
    const provenance = model.provenance as { heldOutServices: number; meanRegret: number };
    assert.ok(provenance.heldOutServices >= 10);
    assert.ok(Number.isFinite(provenance.meanRegret));
    const [service] = generateServices(1, 999, 120_000);
    const settings = predictSettings(service!.trace, model, 1500);
    assert.equal(settings.callTimeout, 1500);
    assert.doesNotThrow(() => new CircuitBreaker(settings));
  });

  it('the search is deterministic for a seed and beats the defaults on a generated outage', () => {
    const [service] = generateServices(1, 7, 180_000);
    const objective = (o: object) => replay(service!.trace, o).cost;
    const a = searchSettings(objective, { seed: 5, budget: 20 });
    const b = searchSettings(objective, { seed: 5, budget: 20 });
    assert.deepEqual(a, b);
    assert.equal(a.history.length, 20);
    assert.equal(new Set(a.history.map((h) => JSON.stringify(h.options))).size, 20);
    assert.ok(a.best.cost < objective({}), `${a.best.cost} vs defaults ${objective({})}`);
  });
});
