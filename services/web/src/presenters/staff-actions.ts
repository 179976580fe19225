import type { StaffActionName } from '@mbs/contracts';
import { randomUUID } from 'node:crypto';

/** How each staff action is offered: its path under `/appointments/:id/` and its words. */
interface ActionSpec {
  readonly path: string;
  readonly label: string;
  /** The banner's title when appointment refuses it. */
  readonly refused: string;
  /** A form posted at once (check in), or a page first (confirmation, or a reason to give). */
  readonly kind: 'form' | 'page';
  readonly style: 'primary' | 'secondary' | 'link';
}

export const staffActionSpecs: Readonly<Record<StaffActionName, ActionSpec>> = {
  check_in: {
    path: 'check-in',
    label: 'Check in',
    refused: 'Not checked in',
    kind: 'form',
    style: 'secondary',
  },
  send_to_modality: {
    path: 'send',
    label: 'Send to modality',
    refused: 'Not sent to the modality',
    kind: 'page',
    style: 'primary',
  },
  withdraw_send: {
    path: 'withdraw',
    label: 'Withdraw send',
    refused: 'Send not withdrawn',
    kind: 'page',
    style: 'secondary',
  },
  cancel: {
    path: 'cancel',
    label: 'Cancel appointment',
    refused: 'Appointment not cancelled',
    kind: 'page',
    style: 'link',
  },
  mark_did_not_attend: {
    path: 'did-not-attend',
    label: 'Did not attend',
    refused: 'Not marked as did not attend',
    kind: 'page',
    style: 'link',
  },
};

export interface StaffActionView {
  readonly action: StaffActionName;
  readonly kind: ActionSpec['kind'];
  readonly style: ActionSpec['style'];
  readonly label: string;
  /** Where the form posts, or the page it opens (with where to come back to). */
  readonly href: string;
  /** Said after the label to screen readers, so "Check in" says whom. */
  readonly forWhom: string;
  /** For a form posted at once: its command id, made now (a second click is the same command). */
  readonly commandId?: string;
}

/** An appointment's page. */
export const appointmentHref = (appointmentId: string): string =>
  `/appointments/${encodeURIComponent(appointmentId)}`;

/** Where an action's form posts, or its page opens (with where to come back to). */
export function actionHref(appointmentId: string, action: StaffActionName, returnTo?: string) {
  const base = `${appointmentHref(appointmentId)}/${staffActionSpecs[action].path}`;
  return returnTo ? `${base}?${new URLSearchParams({ returnTo }).toString()}` : base;
}

/** The actions offered for an appointment: those appointment says its state allows, in order. */
export function staffActionViews(
  appointmentId: string,
  allowed: readonly StaffActionName[],
  forWhom: string,
  returnTo: string,
): StaffActionView[] {
  return allowed.map((action) => {
    const spec = staffActionSpecs[action];
    return {
      action,
      kind: spec.kind,
      style: spec.style,
      label: spec.label,
      href:
        spec.kind === 'form'
          ? actionHref(appointmentId, action)
          : actionHref(appointmentId, action, returnTo),
      forWhom,
      ...(spec.kind === 'form' && { commandId: randomUUID() }),
    };
  });
}

const actionOfCommand: Readonly<Record<string, StaffActionName>> = {
  'appointment.check-in': 'check_in',
  'appointment.send-to-modality': 'send_to_modality',
  'appointment.withdraw-send': 'withdraw_send',
  'appointment.cancel': 'cancel',
  'appointment.mark-did-not-attend': 'mark_did_not_attend',
};

/** What a refused command's banner is titled: `Not checked in`, `Not sent to the modality`, ... */
export function refusedTitle(commandType: string): string {
  const action = actionOfCommand[commandType];
  return action ? staffActionSpecs[action].refused : 'Your request was refused';
}

/** A refused command as its banner shows it (views/partials/rejection.eta). */
export interface RejectionView {
  readonly commandId: string;
  readonly title: string;
  readonly reason: string;
  readonly appointmentHref: string;
}

export function rejectionView(rejection: {
  commandId: string;
  commandType: string;
  appointmentId: string;
  reason: string;
}): RejectionView {
  return {
    commandId: rejection.commandId,
    title: refusedTitle(rejection.commandType),
    reason: rejection.reason,
    appointmentHref: appointmentHref(rejection.appointmentId),
  };
}
