import type { PitchPublicDto, PitchStatus, ProtectedPitchContent } from '../../contracts/dto.js';

export interface PitchRow {
  id: string;
  owner_id: string;
  title: string;
  logline: string;
  genre: string;
  format: string;
  budget_band: string;
  short_synopsis: string;
  status: PitchStatus;
  requires_nda: boolean;
  view_count: number;
  like_count: number;
  created_at: Date;
  published_at: Date | null;
  creator_name: string | null;
}

/** Columns of a pitch row plus its creator's display name (from the local projection). */
export const PITCH_COLUMNS = `p.id, p.owner_id, p.title, p.logline, p.genre, p.format, p.budget_band, p.short_synopsis, p.status,
  p.requires_nda, p.view_count, p.like_count, p.created_at, p.published_at, c.display_name AS creator_name`;
export const PITCH_FROM = 'pitch_svc.pitches p LEFT JOIN pitch_svc.creators c ON c.user_id = p.owner_id';

export const PROTECTED_COLUMNS: Record<keyof ProtectedPitchContent, string> = {
  budgetBreakdown: 'budget_breakdown',
  productionTimeline: 'production_timeline',
  attachedTalent: 'attached_talent',
  financialProjections: 'financial_projections',
  distributionPlan: 'distribution_plan',
  marketingStrategy: 'marketing_strategy',
  privateAttachments: 'private_attachments',
  contactDetails: 'contact_details',
  revenueModel: 'revenue_model',
};

/** The public view. The creator's identity is shown only when the pitch does not require an NDA or `showCreator`. */
export function toPublicDto(r: PitchRow, showCreator: boolean): PitchPublicDto {
  return {
    id: r.id,
    title: r.title,
    logline: r.logline,
    genre: r.genre,
    format: r.format,
    budgetBand: r.budget_band,
    shortSynopsis: r.short_synopsis,
    status: r.status,
    requiresNda: r.requires_nda,
    creator: !r.requires_nda || showCreator ? { id: r.owner_id, displayName: r.creator_name ?? 'unknown' } : null,
    viewCount: r.view_count,
    likeCount: r.like_count,
    publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export function toProtected(row: Record<string, string | null>): ProtectedPitchContent {
  const out = {} as ProtectedPitchContent;
  for (const [k, col] of Object.entries(PROTECTED_COLUMNS)) out[k as keyof ProtectedPitchContent] = row[col] ?? null;
  return out;
}

export const GENRES = [
  'drama',
  'comedy',
  'thriller',
  'horror',
  'sci-fi',
  'documentary',
  'animation',
  'romance',
  'action',
  'fantasy',
] as const;
export const FORMATS = ['feature', 'series', 'limited-series', 'short', 'documentary'] as const;
export const BUDGET_BANDS = ['micro', 'low', 'medium', 'high', 'tentpole'] as const;
