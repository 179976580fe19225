import type { FastifyRequest } from 'fastify';

/** A banner shown at the top of the next page (after a form's redirect). */
export interface Banner {
  readonly kind: 'success' | 'information';
  readonly title: string;
  readonly text: string;
}

export function addFlash(request: FastifyRequest, banner: Banner): void {
  request.session.flash = [...(request.session.flash ?? []), banner];
}

/** The banners waiting, removed as they are taken (each is shown once). */
export function takeFlash(request: FastifyRequest): Banner[] {
  const banners = request.session.flash ?? [];
  if (banners.length > 0) request.session.flash = undefined;
  return banners;
}
