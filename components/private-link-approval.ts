import * as pulumi from '@pulumi/pulumi';

/** Inputs of {@link PrivateLinkApproval}. */
export interface PrivateLinkApprovalArgs {
  /** ARM id of the Private Link Service whose connection to approve. */
  privateLinkServiceId: pulumi.Input<string>;
  /** The request message the consumer (Front Door) sent: the pending connection carries it as its description. */
  requestMessage: pulumi.Input<string>;
  /** Entra access token for ARM (`authorization.getClientToken`); kept secret, never compared in diffs. */
  accessToken: pulumi.Input<string>;
  /** How long to wait for the connection to appear, in seconds (default 900). */
  timeoutSeconds?: pulumi.Input<number>;
}

interface Inputs {
  privateLinkServiceId: string;
  requestMessage: string;
  accessToken: string;
  timeoutSeconds?: number;
}

/**
 * The dynamic provider: waits for the pending connection that carries the request
 * message, approves it with a PUT, and reports the connection's name. Self-contained
 * (it is serialized into the state): the selection rule mirrors lib/edge.ts
 * `frontDoorConnectionState`, which the tests exercise.
 */
const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: Inputs) {
    const apiVersion = '2024-05-01';
    const base = `https://management.azure.com${inputs.privateLinkServiceId}`;
    const headers = { Authorization: `Bearer ${inputs.accessToken}`, 'Content-Type': 'application/json' };
    const deadline = Date.now() + (inputs.timeoutSeconds ?? 900) * 1000;
    for (;;) {
      const res = await fetch(`${base}/privateEndpointConnections?api-version=${apiVersion}`, { headers });
      if (!res.ok && res.status !== 404) throw new Error(`listing the connections of ${inputs.privateLinkServiceId} failed: HTTP ${res.status}`);
      type Conn = { name: string; id?: string; properties?: { privateLinkServiceConnectionState?: { status?: string; description?: string } } };
      const list: Conn[] = res.ok ? (((await res.json()) as { value?: Conn[] }).value ?? []) : [];
      const ours = list.filter((c) => c.properties?.privateLinkServiceConnectionState?.description === inputs.requestMessage);
      const approved = ours.find((c) => c.properties?.privateLinkServiceConnectionState?.status === 'Approved');
      if (approved) return { id: approved.id ?? `${base}/privateEndpointConnections/${approved.name}`, outs: { ...inputs, connectionName: approved.name } };
      const pending = ours.find((c) => c.properties?.privateLinkServiceConnectionState?.status === 'Pending');
      if (pending) {
        const put = await fetch(`${base}/privateEndpointConnections/${pending.name}?api-version=${apiVersion}`, {
          method: 'PUT',
          headers,
          body: JSON.stringify({
            name: pending.name,
            properties: { privateLinkServiceConnectionState: { status: 'Approved', description: inputs.requestMessage, actionsRequired: 'None' } },
          }),
        });
        if (!put.ok) throw new Error(`approving connection ${pending.name} failed: HTTP ${put.status}`);
        return { id: pending.id ?? `${base}/privateEndpointConnections/${pending.name}`, outs: { ...inputs, connectionName: pending.name } };
      }
      if (Date.now() > deadline) throw new Error(`no pending connection with description "${inputs.requestMessage}" appeared on ${inputs.privateLinkServiceId}; approve it in the portal or re-run pulumi up`);
      await new Promise((resolve) => setTimeout(resolve, 10000));
    }
  },
  async diff(_id: string, olds: Inputs, news: Inputs) {
    // The token changes on every run; only another service or message needs a new approval.
    const replaces = (['privateLinkServiceId', 'requestMessage'] as const).filter((k) => olds[k] !== news[k]);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },
  async delete() {
    // Deleting the origin removes Front Door's private endpoint and with it the connection.
  },
};

/**
 * Approves the private endpoint connection Front Door Premium requests on a
 * Private Link Service (Front Door creates its private endpoint in a Microsoft
 * subscription, so auto-approval by subscription cannot apply). The program
 * approves only the connection carrying its own request message.
 */
export class PrivateLinkApproval extends pulumi.dynamic.Resource {
  /** Name of the approved connection. */
  public readonly connectionName!: pulumi.Output<string>;

  constructor(name: string, args: PrivateLinkApprovalArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, accessToken: pulumi.secret(args.accessToken), connectionName: undefined },
      { ...opts, additionalSecretOutputs: ['accessToken'] },
      'aks-platform',
      'PrivateLinkApproval',
    );
  }
}
