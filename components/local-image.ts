import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import * as dockerBuild from '@pulumi/docker-build';
import { APP_NAMES, AppName, chartDirectory } from '../lib/app-profiles';
import { imageTagProblem } from '../lib/image-source';
import { localRegistryProblem } from '../lib/local-target';
import { ArgProblem, argProblemsMessage } from '../lib/problems';

/** Arguments of {@link LocalImage}. */
export interface LocalImageArgs {
  /** The app to build: `api`, `agent` or `frontend` (`apps/<app>/Dockerfile`, context = repository root). */
  app: AppName;
  /** Local registry as both Docker and the cluster reach it, e.g. `localhost:5001` (kind's and k3d's local-registry set-ups). */
  registry: string;
  /** Image tag (the git commit or `apps.imageTag`); never `latest`. */
  tag: string;
  /** Repository root used as build context (default: the directory holding apps/chart). */
  contextDirectory?: string;
  /** Commit time in seconds since the epoch (SOURCE_DATE_EPOCH) for reproducible images. */
  sourceDateEpoch?: pulumi.Input<number>;
}

/**
 * Builds one app image with BuildKit for the machine's own platform (a local cluster runs on it)
 * and pushes it to a local registry without credentials. `imageRef` is digest-pinned, like the
 * cloud's, so the chart and its checks are the same.
 */
export class LocalImage extends pulumi.ComponentResource {
  /** The docker-build image resource. */
  public readonly image: dockerBuild.Image;
  /** `<registry>/aks-platform/<app>@sha256:...`. */
  public readonly imageRef: pulumi.Output<string>;

  constructor(name: string, args: LocalImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('aks-platform:index:LocalImage', name, {}, opts);
    const problems: ArgProblem[] = [];
    if (!(APP_NAMES as readonly string[]).includes(args.app)) problems.push({ path: 'app', problem: `"${args.app}" is not one of ${APP_NAMES.join(', ')}` });
    const registryProblem = localRegistryProblem(args.registry);
    if (registryProblem) problems.push({ path: 'registry', problem: registryProblem });
    const tagProblem = imageTagProblem(args.tag);
    if (tagProblem) problems.push({ path: 'tag', problem: tagProblem });
    if (problems.length > 0) throw new pulumi.ResourceError(argProblemsMessage('LocalImage', name, problems), this);

    const contextDir = args.contextDirectory ?? path.resolve(chartDirectory(), '..', '..');
    const repository = `${args.registry}/aks-platform/${args.app}`;
    this.image = new dockerBuild.Image(
      `${name}-image`,
      {
        context: { location: contextDir },
        dockerfile: { location: path.join(contextDir, 'apps', args.app, 'Dockerfile') },
        push: true,
        tags: [`${repository}:${args.tag}`],
        buildArgs: pulumi.output(args.sourceDateEpoch).apply((epoch): Record<string, string> => (epoch === undefined ? {} : { SOURCE_DATE_EPOCH: String(epoch) })),
        buildOnPreview: false,
      },
      { parent: this },
    );
    this.imageRef = this.image.digest.apply((digest) => {
      if (!/^sha256:[a-f0-9]{64}$/.test(digest ?? '')) throw new pulumi.ResourceError(`the build of ${args.app} returned no registry digest ("${digest}"); is the registry ${args.registry} running?`, this);
      return `${repository}@${digest}`;
    });
    this.registerOutputs({ imageRef: this.imageRef });
  }
}
