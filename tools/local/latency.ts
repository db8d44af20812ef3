/**
 * Bench only (npm run bench, its latency-model column): a fixed delay before
 * every D1 call and every Durable Object call a Worker makes, so a local run
 * shows what production's network round trips add. Bundled around a Worker's
 * entry by bundleWorker({ latency }); nothing else ever includes it. Storage
 * inside a Durable Object stays undelayed: it is local to the object there too.
 */
export interface LatencyModel {
  d1Ms: number;
  doMs: number;
  /** Binding names, given rather than sniffed: an RPC stub answers to every property name. */
  d1Bindings: string[];
  doBindings: string[];
  /** Count instead of time: log each D1 and DO call (and each call on `rpcBindings`) as a `[trip]` line. */
  trace?: boolean;
  /** Service bindings traced (never delayed): the router's calls to the proxy. */
  rpcBindings?: string[];
}

let tracing = false;
const trip = (what: string) => {
  if (tracing) console.log(`[trip] ${what}`);
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function slowD1(db: D1Database, ms: number): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const sqlOf = new WeakMap<object, string>();
  const wrap = (s: D1PreparedStatement, q: string): D1PreparedStatement => {
    const one = () => trip(`d1 ${q.replace(/\s+/g, " ").slice(0, 90)}`);
    const w = {
      bind: (...a: unknown[]) => wrap(s.bind(...a), q),
      first: async (...a: [string?]) => {
        one();
        await sleep(ms);
        return s.first(...(a as [string]));
      },
      all: async () => {
        one();
        await sleep(ms);
        return s.all();
      },
      run: async () => {
        one();
        await sleep(ms);
        return s.run();
      },
      raw: async (o?: { columnNames?: boolean }) => {
        one();
        await sleep(ms);
        return s.raw(o as { columnNames: true });
      },
    } as unknown as D1PreparedStatement;
    real.set(w, s);
    sqlOf.set(w, q);
    return w;
  };
  return {
    prepare: (q: string) => wrap(db.prepare(q), q),
    batch: async (stmts: D1PreparedStatement[]) => {
      trip(
        `d1 batch[${stmts.length}] ${stmts.map((s) => (sqlOf.get(s) ?? "?").replace(/\s+/g, " ").slice(0, 40)).join(" | ")}`,
      );
      await sleep(ms);
      return db.batch(stmts.map((s) => real.get(s) ?? s));
    },
    exec: async (q: string) => {
      await sleep(ms);
      return db.exec(q);
    },
    dump: () => db.dump(),
    withSession: () => {
      throw new Error("latency model: D1 sessions are not modelled");
    },
  } as unknown as D1Database;
}

function slowStub<T extends object>(stub: T, ms: number, label = "do"): T {
  return new Proxy(stub, {
    get(target, prop) {
      const v = Reflect.get(target, prop) as unknown;
      if (typeof prop !== "string" || prop === "then" || typeof v !== "function") return v;
      // Reflect.apply, not v.apply(): on an RPC stub, `.apply` would be a remote method of that name.
      return async (...a: unknown[]) => {
        trip(`${label} ${prop}`);
        await sleep(ms);
        return Reflect.apply(v as (...x: unknown[]) => unknown, target, a);
      };
    },
  });
}

function slowNamespace(ns: DurableObjectNamespace, ms: number, name: string): DurableObjectNamespace {
  return new Proxy(ns, {
    get(target, prop) {
      const v = Reflect.get(target, prop) as unknown;
      if (prop === "get" || prop === "getByName")
        return (...a: unknown[]) =>
          slowStub(Reflect.apply(v as (...x: unknown[]) => object, target, a), ms, `do ${name}`);
      return typeof v === "function" ? (v as (...x: unknown[]) => unknown).bind(target) : v;
    },
  });
}

export function latencyEnv<E extends object>(env: E, model: LatencyModel): E {
  tracing = model.trace === true;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(env)) {
    out[k] = model.d1Bindings.includes(k)
      ? slowD1(v as D1Database, model.d1Ms)
      : model.doBindings.includes(k)
        ? slowNamespace(v as DurableObjectNamespace, model.doMs, k)
        : tracing && model.rpcBindings?.includes(k)
          ? slowStub(v as object, 0, `rpc ${k}`)
          : v;
  }
  return out as E;
}

/** A Worker entrypoint or Durable Object class, constructed with the delayed env. */
export function latencyClass<C>(cls: C, model: LatencyModel): C {
  const Base = cls as unknown as new (ctx: unknown, env: object) => object;
  return class extends Base {
    constructor(ctx: unknown, env: object) {
      super(ctx, latencyEnv(env, model));
    }
  } as unknown as C;
}

/** A default export: a class, or an object of handlers (fetch(req, env, ctx) …). */
export function latencyDefault<T>(value: T, model: LatencyModel): T {
  if (typeof value === "function") return latencyClass(value, model);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      typeof v === "function"
        ? (a: unknown, env: object, ctx: unknown) =>
            (v as (...x: unknown[]) => unknown).call(value, a, latencyEnv(env, model), ctx)
        : v;
  }
  return out as T;
}
