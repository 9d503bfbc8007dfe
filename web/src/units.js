// Conversions at the display edge (the API is SI: metres, metres per second, seconds, degrees).
export const FT_PER_M = 1 / 0.3048;        // international foot
export const KT_PER_MPS = 3600 / 1852;     // knot = 1852 m per hour
export const M_PER_NM = 1852;
export const EARTH_RADIUS_M = 6371008.8;   // IUGG mean radius (spherical display projection only)

export const flightLevel = (altM) => Math.round((altM * FT_PER_M) / 100);
export const knots = (mps) => Math.round(mps * KT_PER_MPS);
export const nm = (m) => m / M_PER_NM;

// Vertical trend arrow: climbing / descending beyond 0.5 m/s (about 100 ft/min), else level.
export const trend = (vsMps) => (vsMps > 0.5 ? '↑' : vsMps < -0.5 ? '↓' : '');

// The point reached from (lat, lon) after distM along a bearing (degrees), on the sphere.
export function destination(latDeg, lonDeg, bearingDeg, distM) {
  const d = distM / EARTH_RADIUS_M;
  const b = (bearingDeg * Math.PI) / 180;
  const p1 = (latDeg * Math.PI) / 180;
  const l1 = (lonDeg * Math.PI) / 180;
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [(p2 * 180) / Math.PI, (((l2 * 180) / Math.PI + 540) % 360) - 180];
}

export function fmtSeconds(s) {
  if (!Number.isFinite(s)) return '—';
  const v = Math.max(0, Math.round(s));
  return v >= 60 ? `${Math.floor(v / 60)}:${String(v % 60).padStart(2, '0')}` : `${v} s`;
}

export const utc = (unixS) => new Date(unixS * 1000).toISOString().slice(11, 19) + 'Z';

// Web Mercator (EPSG:3857, as Leaflet's default CRS) in units of the world square: u, v in [0, 1].
const MAX_LAT = 85.0511287798;
export function mercator(lat, lon) {
  const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  return [0.5 + lon / 360, 0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)];
}

