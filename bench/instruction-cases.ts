// What `npm run bench -- --instructions` counts: every case of core.bench.ts (breakwater,
// cockatiel 3 and opossum 9 side by side, one bare awaited call for all) and the target row of
// observability.bench.ts (the same closed breaker unobserved and with both exporters attached).
import { bare, buildCases } from './core-cases.js';
import type { Loop } from './harness.js';
import { attachBoth, observedBreaker, ok } from './observability-subjects.js';

/** Who a counted loop is, relative to the table instructions.ts prints. */
export type Role = 'bare' | 'breakwater' | 'cockatiel' | 'opossum' | 'extra' | 'observed';

/** One counted loop. */
export interface Contender {
  /** Unique, stable within a run: `bare`, `<case index>.<role>`, `obs.<label>`. */
  id: string;
  /** The case's row in the table (`''` for the shared bare call). */
  caseName: string;
  role: Role;
  /** The column or line it is printed under. */
  label: string;
  /** breakwater rows: its limit, as a ratio to the bare call (observability: to `obs.unobserved`). */
  target?: number;
  /** Footnote mark printed after the figure (core.bench.ts's footnotes). */
  mark?: string;
  loop: Loop;
}

/** Every contender, a check that each breaker is still in its case's state, and a close. */
export async function buildContenders(): Promise<{
  contenders: Contender[];
  check: () => void;
  close: () => void;
}> {
  const cases = await buildCases();
  const contenders: Contender[] = [
    { id: 'bare', caseName: '', role: 'bare', label: 'bare', loop: bare },
  ];
  cases.forEach((c, i) => {
    const { breakwater, cockatiel, opossum, extra } = c.contenders;
    contenders.push({
      id: `${i}.breakwater`,
      caseName: c.name,
      role: 'breakwater',
      label: 'breakwater',
      target: c.target,
      loop: breakwater,
    });
    if (cockatiel) {
      const mark = c.marks?.cockatiel;
      contenders.push({
        id: `${i}.cockatiel`,
        caseName: c.name,
        role: 'cockatiel',
        label: 'cockatiel 3',
        ...(mark ? { mark } : {}),
        loop: cockatiel,
      });
    }
    if (opossum) {
      const mark = c.marks?.opossum;
      contenders.push({
        id: `${i}.opossum`,
        caseName: c.name,
        role: 'opossum',
        label: 'opossum 9',
        ...(mark ? { mark } : {}),
        loop: opossum,
      });
    }
    for (const [label, loop] of Object.entries(extra ?? {})) {
      contenders.push({ id: `${i}.extra.${label}`, caseName: c.name, role: 'extra', label, loop });
    }
  });

  // observability.bench.ts's target row: registerMetrics + instrument(mode: 'attributes').
  const plain = observedBreaker();
  const both = observedBreaker();
  const attached = attachBoth(both);
  const observability = 'observability attached (prometheus + otel)';
  contenders.push(
    {
      id: 'obs.unobserved',
      caseName: observability,
      role: 'observed',
      label: 'unobserved',
      loop: async (n) => {
        for (let i = 0; i < n; i++) await plain.execute(ok);
      },
    },
    {
      id: 'obs.both',
      caseName: observability,
      role: 'observed',
      label: 'prometheus + otel',
      target: 1.5,
      loop: async (n) => {
        for (let i = 0; i < n; i++) await both.execute(ok);
      },
    },
  );
  return {
    contenders,
    check: () => {
      for (const c of cases) c.check();
    },
    close: attached.close,
  };
}
