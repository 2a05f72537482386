import { type PortalTarget } from '@txng/portal-client';

export const TARGETS: readonly PortalTarget[] = ['production', 'sandbox'];

export const isTarget = (value: unknown): value is PortalTarget =>
  value === 'production' || value === 'sandbox';
