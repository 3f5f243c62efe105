import * as pulumi from '@pulumi/pulumi';

/** Inputs of {@link PrivateLinkApproval}. */
export interface PrivateLinkApprovalArgs {
  /** ARM id of the Private Link Service whose connection to approve. */
  privateLinkServiceId: pulumi.Input<string>;
  /** The request message the consumer (Front Door) sent: the pending connection carries it as its description. */
  requestMessage: pulumi.Input<string>;
  /** How long to wait for the connection to appear, in seconds (default 900). */
  timeoutSeconds?: pulumi.Input<number>;
}

interface Inputs {
  privateLinkServiceId: string;
  requestMessage: string;
  timeoutSeconds?: number;
}

interface Outputs extends Inputs {
  connectionName: string;
}

/**
 * An ARM `Authorization` header for the identity the Pulumi engine runs as, acquired
 * when the provider needs it and never stored: `@azure/identity`'s
 * DefaultAzureCredential, i.e. in GitHub Actions the workload-identity variables
 * scripts/federated-token.sh writes (AZURE_CLIENT_ID, AZURE_TENANT_ID,
 * AZURE_FEDERATED_TOKEN_FILE, its token file refreshed every 4 minutes), locally
 * the Azure CLI's `az login`. `require`d here, not imported: this code is
 * serialized into the state and runs in the engine's dynamic-provider host, which
 * resolves the package from the program's node_modules (a dependency of this
 * package). The error never contains a token.
 */
async function armAuthorization(): Promise<string> {
  const identity = require('@azure/identity') as typeof import('@azure/identity');
  let token: { token: string } | null;
  try {
    token = await new identity.DefaultAzureCredential().getToken('https://management.azure.com/.default');
  } catch (err) {
    throw new Error(
      `Private Link approval: no Azure credential in the environment pulumi runs in (CI: azure/login and scripts/federated-token.sh; locally: az login): ${(err as Error).message}`,
    );
  }
  if (!token?.token) throw new Error('Private Link approval: DefaultAzureCredential returned no ARM token');
  return `Bearer ${token.token}`;
}

/**
 * Waits for the pending connection that carries the request message, approves it with
 * a PUT, and returns the connection's name and id. The selection rule mirrors
 * lib/edge.ts `frontDoorConnectionState`, which the tests exercise.
 */
async function approveConnection(inputs: Inputs): Promise<{ name: string; id: string }> {
  const apiVersion = '2024-05-01';
  const base = `https://management.azure.com${inputs.privateLinkServiceId}`;
  const headers = { Authorization: await armAuthorization(), 'Content-Type': 'application/json' };
  const deadline = Date.now() + (inputs.timeoutSeconds ?? 900) * 1000;
  for (;;) {
    const res = await fetch(`${base}/privateEndpointConnections?api-version=${apiVersion}`, { headers });
    if (!res.ok && res.status !== 404) throw new Error(`listing the connections of ${inputs.privateLinkServiceId} failed: HTTP ${res.status}`);
    type Conn = { name: string; id?: string; properties?: { privateLinkServiceConnectionState?: { status?: string; description?: string } } };
    const list: Conn[] = res.ok ? (((await res.json()) as { value?: Conn[] }).value ?? []) : [];
    const ours = list.filter((c) => c.properties?.privateLinkServiceConnectionState?.description === inputs.requestMessage);
    const approved = ours.find((c) => c.properties?.privateLinkServiceConnectionState?.status === 'Approved');
    if (approved) return { name: approved.name, id: approved.id ?? `${base}/privateEndpointConnections/${approved.name}` };
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
      return { name: pending.name, id: pending.id ?? `${base}/privateEndpointConnections/${pending.name}` };
    }
    if (Date.now() > deadline) throw new Error(`no pending connection with description "${inputs.requestMessage}" appeared on ${inputs.privateLinkServiceId}; approve it in the portal or re-run pulumi up`);
    await new Promise((resolve) => setTimeout(resolve, 10000));
  }
}

/** What the state keeps: the inputs and the connection's name, nothing else (no token). */
function outputsOf(inputs: Inputs, connectionName: string): Outputs {
  return {
    privateLinkServiceId: inputs.privateLinkServiceId,
    requestMessage: inputs.requestMessage,
    ...(inputs.timeoutSeconds === undefined ? {} : { timeoutSeconds: inputs.timeoutSeconds }),
    connectionName,
  };
}

/**
 * The dynamic provider. It is serialized into the state (`__provider`), so it
 * captures no value of the program: it takes no credential as an input and
 * acquires its own ARM token when it runs (armAuthorization).
 */
const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: Inputs) {
    const connection = await approveConnection(inputs);
    return { id: connection.id, outs: outputsOf(inputs, connection.name) };
  },
  async diff(_id: string, olds: Outputs & { accessToken?: unknown }, news: Inputs) {
    // Only another service or message needs a new approval. State written before the
    // approval acquired its own token still holds the (expired) `accessToken` it was given:
    // an update rewrites the outputs without it.
    const replaces = (['privateLinkServiceId', 'requestMessage'] as const).filter((k) => olds[k] !== news[k]);
    return { changes: replaces.length > 0 || 'accessToken' in olds, replaces, deleteBeforeReplace: false };
  },
  async update(_id: string, olds: Outputs, news: Inputs) {
    return { outs: outputsOf(news, olds.connectionName) };
  },
  async delete() {
    // Deleting the origin removes Front Door's private endpoint and with it the connection.
  },
};

/**
 * Approves the private endpoint connection Front Door Premium requests on a
 * Private Link Service (Front Door creates its private endpoint in a Microsoft
 * subscription, so auto-approval by subscription cannot apply). The program
 * approves only the connection carrying its own request message, with the ARM
 * token of the identity `pulumi up` runs as, acquired at create time and never
 * kept in the state.
 */
export class PrivateLinkApproval extends pulumi.dynamic.Resource {
  /** Name of the approved connection. */
  public readonly connectionName!: pulumi.Output<string>;

  constructor(name: string, args: PrivateLinkApprovalArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { privateLinkServiceId: args.privateLinkServiceId, requestMessage: args.requestMessage, timeoutSeconds: args.timeoutSeconds, connectionName: undefined },
      opts,
      'aks-platform',
      'PrivateLinkApproval',
    );
  }
}
