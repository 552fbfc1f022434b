/**
 * A synthetic taxi-trips dataset, generated in the flow (no network): pickup hour and weekday,
 * distance, passengers, zone and weather, and the trip duration in minutes. The duration follows
 * a pace that rush hours, downtown traffic and bad weather slow down, plus noise. A small share
 * of rows is broken the way real trip logs are (missing or negative distances, meters left
 * running, clock errors) for the validate step to catch.
 */
import { Random, Table } from 'sluice/ml';

export const ZONES = ['airport', 'downtown', 'midtown', 'harbor', 'uptown', 'suburbs', 'stadium', 'university'] as const;
export const WEATHER = ['clear', 'rain', 'snow'] as const;

const ZONE_PACE: Record<(typeof ZONES)[number], number> = {
  airport: 0.8,
  downtown: 1.35,
  midtown: 1.2,
  harbor: 1.0,
  uptown: 1.05,
  suburbs: 0.85,
  stadium: 1.1,
  university: 1.0,
};
const WEATHER_PACE: Record<(typeof WEATHER)[number], number> = { clear: 1, rain: 1.15, snow: 1.45 };

const isRush = (hour: number, weekday: number): boolean => weekday < 5 && ((hour >= 7 && hour <= 9) || (hour >= 16 && hour <= 19));

/** `n` trips from seed `seed`; about `dirtyRate` of them are broken. */
export function generateTrips(n: number, seed: number, dirtyRate = 0.02): Table {
  const rng = new Random(seed);
  const hour = new Float64Array(n);
  const weekday = new Float64Array(n);
  const distance = new Float64Array(n);
  const passengers = new Float64Array(n);
  const duration = new Float64Array(n);
  const zone: string[] = new Array<string>(n);
  const weather: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    // Daytime-heavy pickup hours.
    const h = Math.floor((rng.random() < 0.8 ? rng.uniform(6, 23) : rng.uniform(0, 24)) % 24);
    const d = rng.int(7);
    const z = ZONES[rng.int(ZONES.length)]!;
    const u = rng.random();
    const w = u < 0.7 ? 'clear' : u < 0.9 ? 'rain' : 'snow';
    const km = Math.exp(rng.normal(1.0, 0.6)) + (z === 'airport' ? 8 : 0);
    const pace = 2.2 * ZONE_PACE[z] * WEATHER_PACE[w] * (isRush(h, d) ? 1.5 : 1);
    let minutes = 3 + km * pace + rng.normal(0, 1.5 + 0.1 * km);
    let dist = km;
    const broken = rng.random();
    if (broken < dirtyRate * 0.4) dist = rng.random() < 0.5 ? NaN : -km;
    else if (broken < dirtyRate * 0.7) minutes = rng.uniform(400, 1400);
    else if (broken < dirtyRate) minutes = -rng.uniform(1, 30);
    hour[i] = h;
    weekday[i] = d;
    distance[i] = dist;
    passengers[i] = 1 + rng.int(4);
    duration[i] = Math.max(minutes, minutes < 0 ? minutes : 1);
    zone[i] = z;
    weather[i] = w;
  }
  return Table.fromColumns({ hour, weekday, distance_km: distance, passengers, zone, weather, duration_min: duration });
}

export { isRush };
