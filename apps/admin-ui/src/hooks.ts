import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type ProvincePage } from './api';

export interface Loaded<T> {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads once per `deps` change and, with `intervalMs`, again every interval while the tab is
 * visible (short polling: the API needs an Authorization header, which EventSource cannot send).
 */
export function useLoad<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
  intervalMs?: number,
): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loadRef
      .current(controller.signal)
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e : new Error(String(e)));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [...deps, tick]);

  useEffect(() => {
    if (!intervalMs) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    }, intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}

/** `value`, once it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export interface ProvinceEntry {
  code: string;
  name: string;
  /** Names of the pre-2025 codes merged into this province (legacy code → name). */
  legacy?: Record<string, string>;
}

/**
 * The hub's province list (`GET /v1/admin/provinces`), fetched once per page load and shared by
 * every screen that shows a province. A failed fetch is forgotten so the next screen retries.
 */
let provincesOnce: Promise<ProvinceEntry[]> | null = null;

function loadProvinces(): Promise<ProvinceEntry[]> {
  provincesOnce ??= api<ProvincePage>('/v1/admin/provinces').then(
    (answer) =>
      (answer.names ?? answer.items).map(({ code, name }) => ({
        code,
        name,
        legacy: Object.fromEntries(
          answer.legacy.filter((l) => l.mergedInto === code).map((l) => [l.code, l.name]),
        ),
      })),
    (error: unknown) => {
      provincesOnce = null;
      throw error;
    },
  );
  return provincesOnce;
}

/** The provinces (in the hub's order), or null until the one shared fetch has answered. */
export function useProvinces(): ProvinceEntry[] | null {
  const [provinces, setProvinces] = useState<ProvinceEntry[] | null>(null);
  useEffect(() => {
    let live = true;
    loadProvinces().then(
      (list) => {
        if (live) setProvinces(list);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return provinces;
}
