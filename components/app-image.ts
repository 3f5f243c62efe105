import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { stateTokenProblem } from '../lib/token-lifetime';
import * as authorization from '@pulumi/azure-native/authorization';
import * as dockerBuild from '@pulumi/docker-build';
import { ACR_TOKEN_USERNAME, AcrTokenExchange, exchangeAcrRefreshToken, loginServerProblem } from '../lib/acr-token';
import { APP_NAMES, AppName, chartDirectory } from '../lib/app-profiles';
import { imageTagProblem } from '../lib/image-source';
import { ArgProblem, argProblemsMessage, knownValue } from '../lib/problems';

/** An image manifest digest. */
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Arguments of {@link AppImage}. */
export interface AppImageArgs {
  /** The app to build: `api`, `agent` or `frontend` (Dockerfile `apps/<app>/Dockerfile`, context = repository root). */
  app: AppName;
  /** Login server of the Azure Container Registry, e.g. `craksplatprodweu1a2b3c.azurecr.io`. */
  registryLoginServer: pulumi.Input<string>;
  /** Image tag: the git commit (see lib/image-source.ts) or a configured release tag; never `latest`. */
  tag: pulumi.Input<string>;
  /** Repository path inside the registry (default `aks-platform/<app>`). */
  repository?: pulumi.Input<string>;
  /** Repository root used as build context (default: the directory holding apps/chart). */
  contextDirectory?: string;
  /** Commit time in seconds since the epoch, passed as SOURCE_DATE_EPOCH so identical sources give identical digests. */
  sourceDateEpoch?: pulumi.Input<number>;
  /** Entra tenant of the deploying identity (sent with the token exchange; optional). */
  tenantId?: pulumi.Input<string>;
  /** Entra access token for ARM; default: the deploying identity's token from `authorization.getClientToken`. */
  entraAccessToken?: pulumi.Input<string>;
  /** Token exchange implementation (default: the real `/oauth2/exchange` call); injectable for tests. */
  tokenExchange?: AcrTokenExchange;
  /** Push the image (default true); false only builds, e.g. in a pull-request check. */
  push?: pulumi.Input<boolean>;
  /** Extra Docker build arguments (never secrets). */
  buildArgs?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Digest (`sha256:<64 hex>`) of an image CI already built, scanned, attested and pushed to
   * `<registryLoginServer>/<repository>`: nothing is built, no registry credential is made or
   * kept, and `imageRef` pins that digest, so the deployed image is the scanned one. Unset
   * (the local-only path, a `pulumi up` from a workstation): build and push with the
   * deployer's ACR refresh token, which then sits in the image resource's state (≤ 3 h).
   */
  prebuiltDigest?: pulumi.Input<string>;
}

/**
 * One app image. As CI deploys (`prebuiltDigest`, the scanned digest): nothing
 * is built and no credential is made; `imageRef` pins that digest. Locally (no
 * digest): builds the image from its Dockerfile for linux/amd64 with BuildKit
 * (@pulumi/docker-build), tags it, and pushes it to ACR with an Entra token
 * exchanged for an ACR refresh token (no admin user, no stored password; the
 * refresh token is the build's registry password, kept in its state and
 * refused when it lives more than 3 h). The registry also holds the BuildKit
 * cache (`<repository>:buildcache`).
 *
 * `imageRef` is digest-pinned (`<loginServer>/<repository>@sha256:...`): a new build
 * changes it and rolls the Deployment; an unchanged one leaves the release alone.
 * The image depends on the registry only, so it builds while the cluster is created.
 */
export class AppImage extends pulumi.ComponentResource {
  /** The docker-build image resource; undefined with `prebuiltDigest` (nothing is built). */
  public readonly image?: dockerBuild.Image;
  /** Digest of the pushed manifest (`sha256:...`). */
  public readonly digest: pulumi.Output<string>;
  /** Digest-pinned reference for Kubernetes: `<loginServer>/<repository>@sha256:...` (empty when push is false). */
  public readonly imageRef: pulumi.Output<string>;
  /** Human-readable tagged reference: `<loginServer>/<repository>:<tag>`. */
  public readonly taggedRef: pulumi.Output<string>;
  /** Repository path inside the registry. */
  public readonly repository: pulumi.Output<string>;
  /** ACR refresh token of the deploying identity (secret), only when the program builds the image (the local path): lets it read the registry, e.g. a stable image's digest. */
  public readonly registryRefreshToken?: pulumi.Output<string>;

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:AppImage', name, {}, opts);

    // Plain arguments are checked now, all at once; Outputs are checked when they resolve.
    const problems: ArgProblem[] = [];
    if (!(APP_NAMES as readonly string[]).includes(args.app)) {
      problems.push({ path: 'app', problem: `"${args.app}" is not one of ${APP_NAMES.join(', ')}` });
    }
    const plainServer = knownValue(args.registryLoginServer);
    const serverProblem = plainServer === undefined ? undefined : loginServerProblem(plainServer);
    if (serverProblem) problems.push({ path: 'registryLoginServer', problem: serverProblem });
    const plainDigest = knownValue(args.prebuiltDigest);
    if (plainDigest !== undefined && !DIGEST.test(plainDigest)) problems.push({ path: 'prebuiltDigest', problem: `"${plainDigest}" is not a digest (sha256:<64 lowercase hex>)` });
    const plainTag = knownValue(args.tag);
    const tagProblem = plainTag === undefined ? undefined : imageTagProblem(plainTag);
    if (tagProblem) problems.push({ path: 'tag', problem: tagProblem });
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('AppImage', name, problems), this);
    const contextDir = args.contextDirectory ?? path.resolve(chartDirectory(), '..', '..');
    const dockerfile = path.join(contextDir, 'apps', args.app, 'Dockerfile');

    const loginServer = pulumi.output(args.registryLoginServer).apply((server) => {
      const problem = loginServerProblem(server);
      if (problem) throw new pulumi.ResourceError(`registryLoginServer: ${problem}`, this);
      return server;
    });
    const tag = pulumi.output(args.tag).apply((t) => {
      const problem = imageTagProblem(t);
      if (problem) throw new pulumi.ResourceError(`tag: ${problem}`, this);
      return t;
    });
    this.repository = pulumi.output(args.repository ?? `aks-platform/${args.app}`).apply((repo) => {
      if (!/^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(repo)) {
        throw new pulumi.ResourceError(`repository: "${repo}" must be lowercase path segments of letters and digits separated by . _ - or /`, this);
      }
      return repo;
    });

    if (args.prebuiltDigest !== undefined) {
      // Built once by CI: deploy exactly the pushed (scanned) digest, build nothing.
      this.taggedRef = pulumi.interpolate`${loginServer}/${this.repository}:${tag}`;
      this.digest = pulumi.output(args.prebuiltDigest).apply((digest) => {
        if (!DIGEST.test(digest)) throw new pulumi.ResourceError(`prebuiltDigest: "${digest}" is not a digest (sha256:<64 lowercase hex>)`, this);
        return digest;
      });
      this.imageRef = pulumi.interpolate`${loginServer}/${this.repository}@${this.digest}`;
      this.registerOutputs({ digest: this.digest, imageRef: this.imageRef, taggedRef: this.taggedRef, repository: this.repository });
      return;
    }

    // The local-only path (CI passes prebuiltDigest): Entra token -> ACR refresh token; both stay
    // secrets end to end, and the refresh token is the one token a state may hold (lib/state-secrets.ts).
    const entraToken = pulumi.secret(
      args.entraAccessToken ?? authorization.getClientTokenOutput({}, { parent: this }).token,
    );
    const exchange = args.tokenExchange ?? exchangeAcrRefreshToken;
    const refreshToken = pulumi.secret(
      pulumi.all([loginServer, entraToken, args.tenantId]).apply(async ([server, accessToken, tenantId]) => {
        const token = await exchange({ loginServer: server, accessToken, tenantId });
        // The build's registry password is kept in the state: only a short-lived token is accepted (lib/token-lifetime.ts).
        const problem = stateTokenProblem(token, `the ACR refresh token for ${server}`);
        if (problem) throw new pulumi.ResourceError(problem, this);
        return token;
      }),
    );

    this.registryRefreshToken = refreshToken;
    this.taggedRef = pulumi.interpolate`${loginServer}/${this.repository}:${tag}`;
    const cacheRef = pulumi.interpolate`${loginServer}/${this.repository}:buildcache`;
    const buildArgs = pulumi
      .all([args.buildArgs ?? {}, args.sourceDateEpoch])
      .apply(([extra, epoch]) => ({ ...extra, ...(epoch === undefined ? {} : { SOURCE_DATE_EPOCH: String(epoch) }) }));

    this.image = new dockerBuild.Image(
      `${name}-image`,
      {
        context: { location: contextDir },
        dockerfile: { location: dockerfile },
        platforms: [dockerBuild.Platform.Linux_amd64],
        push: args.push ?? true,
        tags: [this.taggedRef],
        buildArgs,
        registries: [{ address: loginServer, username: ACR_TOKEN_USERNAME, password: refreshToken }],
        cacheFrom: [{ registry: { ref: cacheRef } }],
        cacheTo: [{ registry: { ref: cacheRef, mode: dockerBuild.CacheMode.Max, imageManifest: true, ociMediaTypes: true } }],
        // Build (and push) during `pulumi up` only; a preview shows the image as changing.
        buildOnPreview: false,
      },
      { parent: this },
    );

    const image = this.image;
    this.digest = image.digest;
    this.imageRef = pulumi.all([loginServer, this.repository, image.digest, args.push ?? true]).apply(([server, repo, digest, push]) => {
      if (!push) return '';
      if (!DIGEST.test(digest ?? '')) {
        throw new pulumi.ResourceError(`the build of ${args.app} returned no registry digest ("${digest}"); was push disabled?`, this);
      }
      return `${server}/${repo}@${digest}`;
    });

    this.registerOutputs({ digest: this.digest, imageRef: this.imageRef, taggedRef: this.taggedRef, repository: this.repository });
  }
}
