import { createHash } from 'node:crypto';
import type { ProtectedPitchContent, UserDto } from '../contracts/dto.js';
import type { Role } from '../contracts/events.js';
import type { SeedNda } from '../services/nda/seed-writer.js';
import type { SeedPitch } from '../services/pitch/seed-writer.js';
import { BUDGET_BANDS, FORMATS, GENRES } from '../services/pitch/pitch-rows.js';

/** Deterministic PRNG (mulberry32): the same seed arguments always give the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable uuid (version-4 layout) derived from a name. */
export function seedUuid(name: string): string {
  const h = createHash('sha256').update(`pitchey-seed:${name}`).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export const SEED_EPOCH = Date.parse('2026-01-01T00:00:00Z');
export const seedPassword = (role: Role) => `pitchey-${role}-seed`;

/** A seeded user: the API's user shape. */
export type SeedUserData = UserDto;

export interface SeedData {
  users: SeedUserData[];
  pitches: SeedPitch[];
  follows: Array<{ followerId: string; followeeId: string; createdAt: string }>;
  likes: Array<{ pitchId: string; userId: string; createdAt: string }>;
  saves: Array<{ pitchId: string; userId: string; createdAt: string }>;
  ndas: SeedNda[];
}

const FIRST = [
  'Ava',
  'Ben',
  'Cleo',
  'Dev',
  'Eli',
  'Fay',
  'Gus',
  'Hana',
  'Ivo',
  'Jun',
  'Kai',
  'Lena',
  'Milo',
  'Nia',
  'Omar',
  'Pia',
  'Quinn',
  'Rosa',
  'Sami',
  'Tess',
];
const LAST = [
  'Adler',
  'Brooks',
  'Castro',
  'Dunn',
  'Ekwueme',
  'Fischer',
  'Garcia',
  'Holm',
  'Ito',
  'Jensen',
  'Khan',
  'Larsen',
  'Moreau',
  'Novak',
  'Okafor',
  'Park',
];
const ADJ = [
  'Silent',
  'Broken',
  'Golden',
  'Last',
  'Hidden',
  'Northern',
  'Electric',
  'Midnight',
  'Paper',
  'Iron',
  'Velvet',
  'Distant',
  'Burning',
  'Glass',
];
const NOUN = [
  'Harbor',
  'Signal',
  'Orchard',
  'Frontier',
  'Archive',
  'Kingdom',
  'Circuit',
  'Lighthouse',
  'Garden',
  'Empire',
  'Tide',
  'Mirror',
  'Summit',
  'Engine',
];
const HOOK = [
  'a disgraced pilot',
  'two rival chefs',
  'a retired spy',
  'an orphaned inventor',
  'a small-town mayor',
  'a deep-sea crew',
  'a teenage hacker',
  'a jazz trio',
];
const TWIST = [
  'uncovers a conspiracy',
  'must win one last race',
  'fakes a haunting',
  'inherits a failing circus',
  'races a hurricane',
  'hides a second family',
  'rebuilds a lost city',
];
const COMPANIES = [
  'Northlight Capital',
  'Blue Door Pictures',
  'Harbor Media Fund',
  'Kestrel Studios',
  'Meridian Partners',
  'Slate & Reel',
];

/** Zipf-like popularity: weight of rank r is 1/r^s. */
function zipfViews(rank: number, maxViews: number): number {
  return Math.max(0, Math.floor(maxViews / Math.pow(rank, 1.07)));
}

function roleFor(r: number): Role {
  if (r < 0.5) return 'creator';
  if (r < 0.85) return 'investor';
  if (r < 0.99) return 'production';
  return 'admin';
}

export function generateSeed(userCount: number, pitchCount: number): SeedData {
  const rnd = prng(0x5eed ^ (userCount * 31 + pitchCount));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const iso = (ms: number) => new Date(ms).toISOString();
  const users: SeedUserData[] = [];
  for (let i = 0; i < userCount; i++) {
    // Guarantee each role exists even in tiny seeds.
    const role = i < 4 ? (['creator', 'investor', 'production', 'admin'] as const)[i] : roleFor(rnd());
    const first = pick(FIRST);
    const last = pick(LAST);
    users.push({
      id: seedUuid(`user:${i}`),
      email: `${role}${String(i).padStart(5, '0')}@seed.pitchey.test`,
      displayName: `${first} ${last}`,
      role,
      company: role === 'investor' || role === 'production' ? pick(COMPANIES) : null,
      bio: role === 'creator' ? `${first} writes ${pick(GENRES)} for screen.` : null,
      createdAt: iso(SEED_EPOCH + i * 60_000),
    });
  }
  const owners = users.filter((u) => u.role === 'creator' || u.role === 'production');
  const viewers = users.filter((u) => u.role === 'investor' || u.role === 'production');
  // Popularity ranks are a deterministic shuffle of pitch indexes.
  const ranks = Array.from({ length: pitchCount }, (_, i) => i + 1);
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [ranks[i], ranks[j]] = [ranks[j], ranks[i]];
  }
  const pitches: SeedPitch[] = [];
  for (let i = 0; i < pitchCount; i++) {
    const owner = owners[Math.floor(rnd() * owners.length)];
    const s = rnd();
    const status = s < 0.4 ? 'published' : s < 0.85 ? 'draft' : 'archived';
    const created = SEED_EPOCH + 86_400_000 + i * 90_000;
    const title = `The ${pick(ADJ)} ${pick(NOUN)}`;
    const genre = pick(GENRES);
    const views = status === 'draft' ? 0 : zipfViews(ranks[i], 20_000);
    const prot: ProtectedPitchContent = {
      budgetBreakdown: `Above the line ${(1 + Math.floor(rnd() * 40)) / 10}M; below the line ${(1 + Math.floor(rnd() * 90)) / 10}M`,
      productionTimeline: `Pre-production ${2 + Math.floor(rnd() * 6)} months; shoot ${4 + Math.floor(rnd() * 12)} weeks`,
      attachedTalent: `${pick(FIRST)} ${pick(LAST)} (lead), ${pick(FIRST)} ${pick(LAST)} (director)`,
      financialProjections: `Projected gross ${(5 + Math.floor(rnd() * 200)) / 10}M`,
      distributionPlan: pick([
        'Festival circuit then streaming',
        'Wide theatrical',
        'Streaming first',
        'Broadcast co-production',
      ]),
      marketingStrategy: pick([
        'Social-first campaign',
        'Festival buzz',
        'Star-led press tour',
        'Community screenings',
      ]),
      privateAttachments: `deck-${i}.pdf`,
      contactDetails: `${owner.email}`,
      revenueModel: pick([
        'Pre-sales + gap financing',
        'Equity + tax credit',
        'Streamer buyout',
        'Co-production split',
      ]),
    };
    pitches.push({
      id: seedUuid(`pitch:${i}`),
      ownerId: owner.id,
      title,
      logline: `${pick(HOOK)} ${pick(TWIST)}.`.replace(/^./, (c) => c.toUpperCase()),
      genre,
      format: pick(FORMATS),
      budgetBand: pick(BUDGET_BANDS),
      shortSynopsis: `A ${genre} about ${pick(HOOK)} who ${pick(TWIST)} in ${pick(['Lisbon', 'Lagos', 'Oslo', 'Busan', 'Detroit', 'Lima'])}.`,
      status,
      requiresNda: rnd() < 0.8,
      viewCount: views,
      likeCount: 0,
      saveCount: 0,
      createdAt: iso(created),
      publishedAt: status === 'draft' ? null : iso(created + 3_600_000),
      protected: prot,
    });
  }
  const published = pitches.filter((p) => p.status === 'published');

  const follows: SeedData['follows'] = [];
  const followSeen = new Set<string>();
  const creators = users.filter((u) => u.role === 'creator');
  for (let i = 0; i < userCount * 4 && creators.length > 0 && userCount > 1; i++) {
    const follower = users[Math.floor(rnd() * users.length)];
    const followee = creators[Math.floor(rnd() * creators.length)];
    const key = `${follower.id}|${followee.id}`;
    if (follower.id === followee.id || followSeen.has(key)) continue;
    followSeen.add(key);
    follows.push({
      followerId: follower.id,
      followeeId: followee.id,
      createdAt: iso(SEED_EPOCH + 2 * 86_400_000 + i * 30_000),
    });
  }

  const pairs = (count: number, tag: string) => {
    const out: Array<{ pitchId: string; userId: string; createdAt: string }> = [];
    const seen = new Set<string>();
    for (let i = 0; i < count && published.length > 0 && viewers.length > 0; i++) {
      // Popular pitches get more interactions: square the uniform draw to skew towards the front of the ranking.
      const p = published[Math.floor(rnd() * rnd() * published.length)];
      const u = viewers[Math.floor(rnd() * viewers.length)];
      const key = `${p.id}|${u.id}`;
      if (seen.has(key) || u.id === p.ownerId) continue;
      seen.add(key);
      out.push({
        pitchId: p.id,
        userId: u.id,
        createdAt: iso(SEED_EPOCH + 3 * 86_400_000 + i * 10_000 + (tag === 'save' ? 5000 : 0)),
      });
    }
    return out;
  };
  const likes = pairs(Math.round(pitchCount * 2.4), 'like');
  const saves = pairs(Math.round(pitchCount * 0.6), 'save');
  const byId = new Map(pitches.map((p) => [p.id, p]));
  for (const l of likes) byId.get(l.pitchId)!.likeCount++;
  for (const s of saves) byId.get(s.pitchId)!.saveCount++;

  const ndas: SeedNda[] = [];
  const ndaSeen = new Set<string>();
  for (let i = 0; i < Math.round(pitchCount * 0.32) && published.length > 0 && viewers.length > 0; i++) {
    const p = published[Math.floor(rnd() * rnd() * published.length)];
    const u = viewers[Math.floor(rnd() * viewers.length)];
    const key = `${p.id}|${u.id}`;
    if (ndaSeen.has(key) || u.id === p.ownerId) continue;
    ndaSeen.add(key);
    const r = rnd();
    const status = r < 0.6 ? 'signed' : r < 0.8 ? 'requested' : r < 0.95 ? 'rejected' : 'revoked';
    const created = SEED_EPOCH + 4 * 86_400_000 + i * 20_000;
    const signed = status === 'signed' || status === 'revoked' ? created + 86_400_000 : null;
    ndas.push({
      id: seedUuid(`nda:${i}`),
      pitchId: p.id,
      pitchTitle: p.title,
      requesterId: u.id,
      ownerId: p.ownerId,
      status,
      createdAt: iso(created),
      signedAt: signed ? iso(signed) : null,
      // Seeded agreements run two years so a seed stays valid for a long time after it is made.
      expiresAt: signed ? iso(signed + 730 * 86_400_000) : null,
      revokedAt: status === 'revoked' ? iso(created + 2 * 86_400_000) : null,
    });
  }
  return { users, pitches, follows, likes, saves, ndas };
}
