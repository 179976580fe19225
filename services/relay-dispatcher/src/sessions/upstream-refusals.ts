/**
 * How many upstream events each gateway sent that were refused (an event about an order it was
 * never delivered, an invalid body): shown on the gateway (`GET /gateways/:id`), since a gateway
 * that keeps sending them is misconfigured or worse. Counted since this process started.
 */
export class UpstreamRefusals {
  private readonly counts = new Map<string, number>();

  count(gatewayId: string): number {
    const next = (this.counts.get(gatewayId) ?? 0) + 1;
    this.counts.set(gatewayId, next);
    return next;
  }

  of(gatewayId: string): number {
    return this.counts.get(gatewayId) ?? 0;
  }
}
