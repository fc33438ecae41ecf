import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  normalizeIdentity,
  normalizeRepository,
} from '../ingestion/normalizeIdentity';

/** The annotation of a User listing extra identities (API key names, Bedrock ids, other emails). */
export const DEFAULT_IDENTITY_ANNOTATION = 'claude-code-analytics/identities';
const GITHUB_LOGIN_ANNOTATION = 'github.com/user-login';
const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/**
 * The catalog's ownership graph, flattened into the lookups the store joins on. Every entity ref is
 * in lower case (`kind:namespace/name`).
 */
export type OwnershipIndex = {
  entities: Map<
    string,
    { kind: string; title?: string; parentRef?: string; type?: string }
  >;
  /** identity (lower case) -> user ref. */
  userOfIdentity: Map<string, string>;
  /** Identities claimed by several users: left unmapped, listed for the data-quality view. */
  conflictingIdentities: Map<string, string[]>;
  /** entity -> people it stands for. */
  members: Map<string, Set<string>>;
  /** entity -> fact scopes it sums (member users for people, components for services). */
  scopes: Map<string, Set<string>>;
  /** entity -> components it delivers. */
  components: Map<string, Set<string>>;
  /** repository slug (lower case) -> components. */
  componentsOfRepository: Map<string, Set<string>>;
};

function refOf(entity: Entity): string {
  return stringifyEntityRef(entity).toLocaleLowerCase('en-US');
}

function resolveRef(
  value: unknown,
  defaultKind: string,
  defaultNamespace: string,
): string | undefined {
  if (typeof value !== 'string' || !value.trim()) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

function relationTargets(entity: Entity, type: string): string[] {
  return (entity.relations ?? [])
    .filter(relation => relation.type === type)
    .map(relation => relation.targetRef.toLocaleLowerCase('en-US'));
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V) {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  set.add(value);
}

function splitIdentities(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map(normalizeIdentity)
    .filter(Boolean);
}

/**
 * Builds the ownership index from catalog entities (User, Group, Component, System, Domain).
 * Relations are read from both the spec fields and the processed `relations`, so the index works on
 * raw entity files and on catalog output alike.
 */
export function buildOwnershipIndex(
  entities: Entity[],
  options: { identityAnnotation?: string } = {},
): OwnershipIndex {
  const identityAnnotation =
    options.identityAnnotation ?? DEFAULT_IDENTITY_ANNOTATION;
  const index: OwnershipIndex = {
    entities: new Map(),
    userOfIdentity: new Map(),
    conflictingIdentities: new Map(),
    members: new Map(),
    scopes: new Map(),
    components: new Map(),
    componentsOfRepository: new Map(),
  };

  const claims = new Map<string, Set<string>>();
  const directMembers = new Map<string, Set<string>>();
  const childGroups = new Map<string, Set<string>>();
  const ownerOf = new Map<string, string>();
  const systemOfComponent = new Map<string, string>();
  const domainOfSystem = new Map<string, string>();
  const kinds = new Map<string, string>();

  for (const entity of entities) {
    const kind = entity.kind.toLocaleLowerCase('en-US');
    const ref = refOf(entity);
    const namespace = entity.metadata.namespace ?? 'default';
    const spec = (entity.spec ?? {}) as Record<string, any>;
    kinds.set(ref, kind);
    index.entities.set(ref, {
      kind,
      title: entity.metadata.title,
      parentRef:
        kind === 'group'
          ? resolveRef(spec.parent, 'group', namespace) ??
            relationTargets(entity, 'childOf')[0]
          : undefined,
      type: typeof spec.type === 'string' ? spec.type : undefined,
    });

    if (kind === 'user') {
      const identities = [
        ...splitIdentities(spec.profile?.email),
        ...splitIdentities(
          entity.metadata.annotations?.[GITHUB_LOGIN_ANNOTATION],
        ),
        ...splitIdentities(entity.metadata.annotations?.[identityAnnotation]),
      ];
      for (const identity of identities) {
        add(claims, identity, ref);
      }
      const groups = [
        ...(Array.isArray(spec.memberOf) ? spec.memberOf : []).map(
          (g: unknown) => resolveRef(g, 'group', namespace),
        ),
        ...relationTargets(entity, 'memberOf'),
      ];
      for (const group of groups) {
        if (group) {
          add(directMembers, group, ref);
        }
      }
    } else if (kind === 'group') {
      const parents = [
        resolveRef(spec.parent, 'group', namespace),
        ...relationTargets(entity, 'childOf'),
      ];
      for (const parent of parents) {
        if (parent) {
          add(childGroups, parent, ref);
        }
      }
      const children = [
        ...(Array.isArray(spec.children) ? spec.children : []).map(
          (c: unknown) => resolveRef(c, 'group', namespace),
        ),
        ...relationTargets(entity, 'parentOf'),
      ];
      for (const child of children) {
        if (child) {
          add(childGroups, ref, child);
        }
      }
      const members = [
        ...(Array.isArray(spec.members) ? spec.members : []).map(
          (m: unknown) => resolveRef(m, 'user', namespace),
        ),
        ...relationTargets(entity, 'hasMember'),
      ];
      for (const member of members) {
        if (member) {
          add(directMembers, ref, member);
        }
      }
    } else if (
      kind === 'component' ||
      kind === 'system' ||
      kind === 'domain'
    ) {
      const owner =
        resolveRef(spec.owner, 'group', namespace) ??
        relationTargets(entity, 'ownedBy')[0];
      if (owner) {
        ownerOf.set(ref, owner);
      }
      if (kind === 'component') {
        const system =
          resolveRef(spec.system, 'system', namespace) ??
          relationTargets(entity, 'partOf').find(r => r.startsWith('system:'));
        if (system) {
          systemOfComponent.set(ref, system);
        }
        const slug = entity.metadata.annotations?.[PROJECT_SLUG_ANNOTATION];
        if (slug) {
          add(index.componentsOfRepository, normalizeRepository(slug), ref);
        }
      }
      if (kind === 'system') {
        const domain =
          resolveRef(spec.domain, 'domain', namespace) ??
          relationTargets(entity, 'partOf').find(r => r.startsWith('domain:'));
        if (domain) {
          domainOfSystem.set(ref, domain);
        }
      }
    }
  }

  for (const [identity, users] of claims) {
    if (users.size === 1) {
      index.userOfIdentity.set(identity, [...users][0]);
    } else {
      index.conflictingIdentities.set(identity, [...users].sort());
    }
  }

  // Descendants are walked iteratively with a visited set, so a cycle in the catalog is harmless.
  const descendantGroups = (group: string): Set<string> => {
    const seen = new Set([group]);
    const stack = [group];
    while (stack.length) {
      for (const child of childGroups.get(stack.pop()!) ?? []) {
        if (!seen.has(child)) {
          seen.add(child);
          stack.push(child);
        }
      }
    }
    return seen;
  };
  const groupMembers = new Map<string, Set<string>>();
  const membersOfGroup = (group: string): Set<string> => {
    let members = groupMembers.get(group);
    if (!members) {
      members = new Set();
      for (const descendant of descendantGroups(group)) {
        for (const member of directMembers.get(descendant) ?? []) {
          if (kinds.get(member) === 'user') {
            members.add(member);
          }
        }
      }
      groupMembers.set(group, members);
    }
    return members;
  };
  const peopleOf = (ownerRef: string | undefined): Set<string> => {
    if (!ownerRef) {
      return new Set();
    }
    if (ownerRef.startsWith('user:')) {
      return new Set([ownerRef]);
    }
    return membersOfGroup(ownerRef);
  };

  const componentsOfOwner = new Map<string, Set<string>>();
  const componentsOfSystem = new Map<string, Set<string>>();
  for (const [ref, kind] of kinds) {
    if (kind === 'component') {
      const owner = ownerOf.get(ref);
      if (owner) {
        add(componentsOfOwner, owner, ref);
      }
      const system = systemOfComponent.get(ref);
      if (system) {
        add(componentsOfSystem, system, ref);
      }
    }
  }

  for (const [ref, kind] of kinds) {
    if (kind === 'user') {
      index.members.set(ref, new Set([ref]));
      index.scopes.set(ref, new Set([ref]));
      index.components.set(ref, new Set(componentsOfOwner.get(ref) ?? []));
    } else if (kind === 'group') {
      const people = membersOfGroup(ref);
      index.members.set(ref, new Set(people));
      index.scopes.set(ref, new Set(people));
      const owned = new Set<string>();
      for (const group of descendantGroups(ref)) {
        for (const component of componentsOfOwner.get(group) ?? []) {
          owned.add(component);
        }
      }
      index.components.set(ref, owned);
    } else if (kind === 'component') {
      index.members.set(ref, peopleOf(ownerOf.get(ref)));
      index.scopes.set(ref, new Set([ref]));
      index.components.set(ref, new Set([ref]));
    }
  }
  for (const [ref, kind] of kinds) {
    if (kind === 'system') {
      const components = componentsOfSystem.get(ref) ?? new Set<string>();
      const people = new Set(peopleOf(ownerOf.get(ref)));
      for (const component of components) {
        for (const person of index.members.get(component) ?? []) {
          people.add(person);
        }
      }
      index.members.set(ref, people);
      index.scopes.set(ref, new Set(components));
      index.components.set(ref, new Set(components));
    }
  }
  for (const [ref, kind] of kinds) {
    if (kind === 'domain') {
      const components = new Set<string>();
      const people = new Set(peopleOf(ownerOf.get(ref)));
      for (const [system, domain] of domainOfSystem) {
        if (domain !== ref) {
          continue;
        }
        for (const component of componentsOfSystem.get(system) ?? []) {
          components.add(component);
        }
        for (const person of index.members.get(system) ?? []) {
          people.add(person);
        }
      }
      index.members.set(ref, people);
      index.scopes.set(ref, components);
      index.components.set(ref, components);
    }
  }
  return index;
}
