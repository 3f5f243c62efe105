/**
 * The old URNs a recorded resource answers to, computed the way the Pulumi engine
 * does (pkg/resource/deploy/step_generator.go: `collapseAliasToUrn` for a resource's
 * own `aliases`, `inheritedChildAlias` for what its parent's aliases imply): a
 * component moved under a new parent with `aliases: [{ parent: oldParent }]` keeps
 * its old URN, and so does everything under it. An update that finds the old URN
 * in the state moves the resource instead of replacing it.
 */
import type { RecordedResource } from './mocks';

type Aliased = Pick<RecordedResource, 'urn' | 'name' | 'type' | 'parent' | 'aliases'> & Partial<Pick<RecordedResource, 'token'>>;

/** The parts of a URN: `urn:pulumi:<stack>::<project>::<qualified type>::<name>`. */
export function parseUrn(urn: string): { stack: string; project: string; qualifiedType: string; name: string } {
  const match = /^urn:pulumi:([^:]+)::([^:]+)::(.+?)::(.*)$/.exec(urn);
  if (!match) throw new Error(`"${urn}" is not a Pulumi URN (urn:pulumi:<stack>::<project>::<qualified type>::<name>)`);
  return { stack: match[1], project: match[2], qualifiedType: match[3], name: match[4] };
}

/** A URN from its parts; under a parent, the type is qualified by the parent's type chain. */
export function createUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
  const qualifiedType = parentUrn ? `${parseUrn(parentUrn).qualifiedType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/**
 * Per recorded URN, the URNs it is an alias of (empty for a resource with none),
 * resources visited parents first as the engine registers them.
 */
export function aliasUrns(resources: readonly Aliased[]): Map<string, string[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const result = new Map<string, string[]>();
  const visit = (resource: Aliased): string[] => {
    const done = result.get(resource.urn);
    if (done) return done;
    const { stack, project } = parseUrn(resource.urn);
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    const parentAliases = parent ? visit(parent) : [];
    const urns = new Set<string>();
    // URNs carry the type token as registered (a pinned API version's parameterized token, see lib/azure-api-versions.ts).
    const type = resource.token ?? resource.type;
    for (const alias of resource.aliases ?? []) {
      if (alias.urn) {
        urns.add(alias.urn);
        continue;
      }
      let aliasParent = alias.noParent ? undefined : (alias.parentUrn ?? resource.parent) || undefined;
      // A parent that itself moved is known by its old URN, and so was this resource.
      const movedParent = aliasParent ? result.get(aliasParent) : undefined;
      if (aliasParent && movedParent && movedParent.length > 0) aliasParent = movedParent[0];
      urns.add(createUrn(stack, project, aliasParent, alias.type ?? type, alias.name ?? resource.name));
    }
    // What the parent's aliases imply: the child under the parent's old URN (and old name prefix).
    if (parent) {
      for (const parentAlias of parentAliases) {
        const oldParentName = parseUrn(parentAlias).name;
        const name = resource.name.startsWith(parent.name) ? oldParentName + resource.name.slice(parent.name.length) : resource.name;
        urns.add(createUrn(stack, project, parentAlias, type, name));
      }
    }
    const list = [...urns].filter((u) => u !== resource.urn);
    result.set(resource.urn, list);
    return list;
  };
  resources.forEach(visit);
  return result;
}
