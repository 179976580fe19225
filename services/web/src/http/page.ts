import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../accounts';
import type { RejectionStore } from '../notifications/rejection-store';
import { rejectionView, type RejectionView } from '../presenters/staff-actions';
import type { AssetUrls } from './assets';
import { isLiveRequest } from './auth';
import { takeFlash, type Banner } from './flash';

/** What the layout needs besides a page's own data. */
export interface PageSetting {
  readonly assets: AssetUrls;
  readonly rejections: RejectionStore;
}

export interface PageOptions {
  readonly title: string;
  readonly status?: number;
  /** Where the back link goes (above the page's heading). */
  readonly back?: { readonly href: string; readonly text?: string };
  /** The live updates this page listens to (`/live?...`), and the feed position it shows. */
  readonly live?: { readonly source: string; readonly cursor: string };
  /** The navigation item to mark current. */
  readonly section?: 'clinics' | 'accounts';
}

export interface LayoutData {
  readonly title: string;
  readonly user?: Account;
  readonly csrfToken: string;
  readonly assets: AssetUrls;
  readonly banners: readonly Banner[];
  readonly rejections: readonly RejectionView[];
  readonly navigation: ReadonlyArray<{ text: string; href: string; current: boolean }>;
  readonly back?: PageOptions['back'];
  readonly live?: PageOptions['live'];
  readonly path: string;
}

/**
 * Renders a page in the service's layout. Banners waiting for the user (after a redirect) and
 * rejections of their commands they have not seen are shown once, on the next page a person
 * opens; a page refreshing itself for live updates leaves them (those reach it live).
 */
export async function renderPage(
  setting: PageSetting,
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  data: Record<string, unknown>,
  options: PageOptions,
): Promise<FastifyReply> {
  const user = request.user;
  const live = isLiveRequest(request);
  const layout: LayoutData = {
    title: options.title,
    user,
    csrfToken: csrfTokenFor(reply),
    assets: setting.assets,
    banners: live || !request.session ? [] : takeFlash(request),
    rejections:
      user && !live ? (await setting.rejections.takeUnseen(user.username)).map(rejectionView) : [],
    navigation: user
      ? [
          { text: 'Clinics', href: '/clinics', current: options.section === 'clinics' },
          ...(user.role === 'admin'
            ? [
                {
                  text: 'Accounts',
                  href: '/admin/accounts',
                  current: options.section === 'accounts',
                },
              ]
            : []),
        ]
      : [],
    back: options.back,
    live: options.live,
    path: request.url,
  };
  return reply
    .code(options.status ?? 200)
    .header('cache-control', 'no-store')
    .view(template, { ...data, layout });
}

/** A form token for the page; none when the session itself failed (an error page then). */
function csrfTokenFor(reply: FastifyReply): string {
  try {
    return reply.generateCsrf();
  } catch {
    return '';
  }
}
