import type { Entity } from '@backstage/catalog-model';
import { Random } from './random';

/**
 * Size and shape of a generated demo organisation.
 *
 * @public
 */
export type DemoOrgOptions = {
  seed: number;
  engineers: number;
  components: number;
  /** Levels of groups, counting the organisation root (org, department, team, squad, ...). At least 3. */
  groupDepth?: number;
  /** Groups below the departments (teams and their sub-teams). At least `groupDepth`. */
  teams?: number;
};

/**
 * The demo organisation of `yarn start` and of `examples/demo-org.yaml`.
 *
 * @public
 */
export const DEFAULT_DEMO_ORG_OPTIONS: Required<DemoOrgOptions> = {
  seed: 42,
  engineers: 64,
  components: 28,
  teams: 10,
  groupDepth: 4,
};

/**
 * A generated engineer.
 *
 * @public
 */
export type DemoPerson = {
  /** The User entity name, e.g. `ada-lovelace`. */
  name: string;
  displayName: string;
  /** As written in the catalog; mixed case for some people. */
  email: string;
  githubLogin: string;
  /** The group this person works in (opens pull requests on its components). */
  team: string;
  /** Group names of `spec.memberOf`: the team first, sometimes a second group. */
  memberOf: string[];
  /** Extra identities of the `claude-code-analytics/identities` annotation. */
  identities: string[];
};

/**
 * A generated group below the departments: a team, or a squad under a team or squad.
 *
 * @public
 */
export type DemoTeam = {
  name: string;
  type: 'team' | 'squad';
  /** 3 for teams (org is 1, departments 2), deeper for squads. */
  level: number;
  parent: string;
  department: string;
  /** Names of the people whose `team` this is. */
  members: string[];
  /** Names of the components this team works on. */
  components: string[];
  /** Provider of the team's Claude Code usage: one team reaches Claude through Amazon Bedrock. */
  provider: 'firstParty' | 'bedrock';
};

/**
 * A generated component.
 *
 * @public
 */
export type DemoComponent = {
  name: string;
  type: 'service' | 'website' | 'library';
  /** `acme/<name>`, the `github.com/project-slug` annotation. */
  slug: string;
  /** Entity ref of the owner: a group, or for one component a user. */
  owner: string;
  /** The team that works on it (owner group, or the owning user's team). */
  team: string;
  system: string;
  domain: string;
};

/**
 * A generated demo organisation: catalog entities, plus the structure the history generator needs.
 *
 * @public
 */
export type DemoOrg = {
  entities: Entity[];
  people: DemoPerson[];
  teams: DemoTeam[];
  components: DemoComponent[];
};

const ORGANIZATION = 'acme';
const EMAIL_DOMAIN = 'acme.example';
const AWS_ACCOUNT = '123456789012';

// prettier-ignore
const FIRST_NAMES = [
  'Ada', 'Alan', 'Grace', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken',
  'Frances', 'Edsger', 'Radia', 'Donald', 'Katherine', 'John', 'Hedy', 'Tim',
  'Sophie', 'Guido', 'Annie', 'Bjarne', 'Evelyn', 'James', 'Mary', 'Niklaus',
  'Joan', 'Leslie', 'Shafi', 'Whitfield', 'Lynn', 'Vint', 'Susan', 'Brian',
  'Adele', 'Robert', 'Carol', 'Yukihiro', 'Jean', 'Anders', 'Elena', 'Rasmus',
  'Priya', 'Mateo', 'Amara', 'Kenji', 'Ingrid', 'Tariq', 'Lucia', 'Oskar',
];

// prettier-ignore
const LAST_NAMES = [
  'Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov',
  'Thompson', 'Allen', 'Dijkstra', 'Perlman', 'Knuth', 'Johnson', 'McCarthy',
  'Lamarr', 'Berners-Lee', 'Wilson', 'van Rossum', 'Easley', 'Stroustrup',
  'Boyd', 'Gosling', 'Kenneth', 'Wirth', 'Clarke', 'Lamport', 'Goldwasser',
  'Diffie', 'Conway', 'Cerf', 'Kare', 'Kernighan', 'Goldberg', 'Kahn', 'Shaw',
  'Matsumoto', 'Sammet', 'Hejlsberg', 'Petrova', 'Lerdorf', 'Raman', 'Silva',
  'Okafor', 'Tanaka', 'Larsen', 'Haddad', 'Romano', 'Berg',
];

// prettier-ignore
const DEPARTMENT_NAMES = [
  'platform', 'payments', 'commerce', 'data', 'growth', 'identity',
  'mobile', 'logistics', 'marketplace', 'security', 'media', 'support',
];

// prettier-ignore
const TEAM_WORDS = [
  'checkout', 'ledger', 'billing', 'search', 'catalog', 'observability',
  'delivery', 'build', 'auth', 'notifications', 'pricing', 'inventory',
  'onboarding', 'analytics', 'storage', 'network', 'fraud', 'reporting',
  'messaging', 'recommendations', 'shipping', 'accounts', 'compliance', 'tooling',
  'experiments', 'streaming', 'scheduling', 'gateway', 'profiles', 'reviews',
  'subscriptions', 'warehouse', 'insights', 'runtime', 'content', 'localization',
];

// prettier-ignore
const SQUAD_WORDS = ['core', 'web', 'api', 'mobile', 'data', 'tools', 'edge', 'ops'];

// prettier-ignore
const SYSTEM_WORDS = [
  'core', 'portal', 'insights', 'operations', 'integrations', 'experience',
  'foundation', 'automation',
];

const COMPONENT_SUFFIXES: Record<DemoComponent['type'], string[]> = {
  service: ['service', 'api', 'worker', 'gateway'],
  website: ['web', 'portal', 'admin'],
  library: ['lib', 'sdk', 'client'],
};

const groupRef = (name: string) => `group:default/${name}`;

const titleCase = (words: string) =>
  words
    .split(/[-\s]/)
    .map(word => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');

/** Hands out names, adding `-2`, `-3`, ... to repeated ones. */
class UniqueNames {
  private readonly used = new Set<string>();
  // Next suffix to try per base name, so that many repeats stay linear.
  private readonly nextSuffix = new Map<string, number>();

  take(base: string): string {
    let name = base;
    let suffix = this.nextSuffix.get(base) ?? 2;
    while (this.used.has(name)) {
      name = `${base}-${suffix++}`;
    }
    this.nextSuffix.set(base, suffix);
    this.used.add(name);
    return name;
  }
}

type GroupNode = {
  name: string;
  type: 'organization' | 'department' | 'team' | 'squad';
  level: number;
  parent?: string;
  department: string;
  children: string[];
};

/** How many groups of the team levels go on each level: most on the team level, the rest spread below. */
function groupsPerLevel(teams: number, depth: number): number[] {
  const deeperLevels = depth - 3;
  const perDeeperLevel =
    deeperLevels > 0
      ? Math.max(1, Math.floor((teams * 0.25) / deeperLevels))
      : 0;
  return [
    teams - perDeeperLevel * deeperLevels,
    ...Array(deeperLevels).fill(perDeeperLevel),
  ];
}

/**
 * A deterministic demo organisation: an organisation root, departments, teams and squads nested
 * `groupDepth` levels deep, engineers with emails, GitHub logins and extra identities, and
 * components grouped into systems and domains. The same options always give the same output, in
 * time linear in the number of entities.
 *
 * @public
 */
export function generateDemoOrg(options: DemoOrgOptions): DemoOrg {
  const { seed, engineers, components: componentCount } = options;
  const depth = options.groupDepth ?? DEFAULT_DEMO_ORG_OPTIONS.groupDepth;
  // Same engineers per team as the default options when the caller gives no team count.
  const teamCount =
    options.teams ?? Math.max(depth, Math.round(engineers / 6.4));
  if (depth < 3) {
    throw new Error(`groupDepth must be at least 3, got ${depth}`);
  }
  if (teamCount < depth) {
    throw new Error(
      `teams must be at least groupDepth (${depth}) so that every level has a group, got ${teamCount}`,
    );
  }
  if (componentCount < teamCount) {
    throw new Error(
      `components must be at least teams (${teamCount}) so that every team owns one, got ${componentCount}`,
    );
  }

  // Groups.
  const levelCounts = groupsPerLevel(teamCount, depth);
  const departmentCount = Math.min(
    levelCounts[0],
    Math.max(3, Math.round(Math.sqrt(teamCount))),
  );
  const groupNames = new UniqueNames();
  groupNames.take(ORGANIZATION);
  const root: GroupNode = {
    name: ORGANIZATION,
    type: 'organization',
    level: 1,
    department: '',
    children: [],
  };
  const departmentWords = Random.derive(seed, 'departments').shuffle(
    DEPARTMENT_NAMES,
  );
  const departments: GroupNode[] = [];
  for (let i = 0; i < departmentCount; i++) {
    const name = groupNames.take(departmentWords[i % departmentWords.length]);
    departments.push({
      name,
      type: 'department',
      level: 2,
      parent: root.name,
      department: name,
      children: [],
    });
    root.children.push(name);
  }

  const teamWords = Random.derive(seed, 'teams').shuffle(TEAM_WORDS);
  const levels: GroupNode[][] = [];
  levelCounts.forEach((count, index) => {
    const level = index + 3;
    const nodes: GroupNode[] = [];
    for (let i = 0; i < count; i++) {
      // Parents are spread evenly over the level above.
      const parent =
        level === 3
          ? departments[i % departments.length]
          : levels[index - 1][
              Math.floor((i * levels[index - 1].length) / count)
            ];
      const base =
        level === 3
          ? teamWords[i % teamWords.length]
          : `${parent.name}-${
              SQUAD_WORDS[parent.children.length % SQUAD_WORDS.length]
            }`;
      const node: GroupNode = {
        name: groupNames.take(base),
        type: level === 3 ? 'team' : 'squad',
        level,
        parent: parent.name,
        department: parent.department,
        children: [],
      };
      parent.children.push(node.name);
      nodes.push(node);
    }
    levels.push(nodes);
  });
  const teamNodes = levels.flat();

  const bedrockTeam = Random.derive(seed, 'bedrock').int(
    0,
    teamNodes.length - 1,
  );
  const teams: DemoTeam[] = teamNodes.map((node, index) => ({
    name: node.name,
    type: node.type === 'team' ? 'team' : 'squad',
    level: node.level,
    parent: node.parent ?? ORGANIZATION,
    department: node.department,
    members: [],
    components: [],
    provider: index === bedrockTeam ? 'bedrock' : 'firstParty',
  }));
  const teamByName = new Map(teams.map(team => [team.name, team]));

  // Systems: a few per department; squads work in their parent team's system.
  const systemNames = new UniqueNames();
  const departmentSystems = new Map<string, string[]>();
  for (const department of departments) {
    const count = Math.max(2, Math.ceil(department.children.length / 3));
    departmentSystems.set(
      department.name,
      Array.from({ length: count }, (_, i) =>
        systemNames.take(
          `${department.name}-${SYSTEM_WORDS[i % SYSTEM_WORDS.length]}`,
        ),
      ),
    );
  }
  const teamSystem = new Map<string, string>();
  levels[0].forEach((node, i) => {
    // Team i is the (i / departments)-th team of its department, see the parent choice above.
    const systems = departmentSystems.get(node.department)!;
    teamSystem.set(
      node.name,
      systems[Math.floor(i / departments.length) % systems.length],
    );
  });
  for (const node of levels.slice(1).flat()) {
    teamSystem.set(node.name, teamSystem.get(node.parent!)!);
  }

  // People.
  const people: DemoPerson[] = [];
  const personNames = new UniqueNames();
  for (let i = 0; i < engineers; i++) {
    const random = Random.derive(seed, `person:${i}`);
    const first = random.pick(FIRST_NAMES);
    const last = random.pick(LAST_NAMES);
    const base = `${first}-${last}`.toLowerCase().replace(/[^a-z]+/g, '-');
    const name = personNames.take(base);
    const suffix = name.slice(base.length).replace('-', '');
    const localPart = `${first}.${last}`.replace(/[^A-Za-z.]+/g, '') + suffix;
    const email = `${
      random.chance(0.3) ? localPart : localPart.toLowerCase()
    }@${EMAIL_DOMAIN}`;
    // Every team first gets five people (the default privacy threshold), the rest join random
    // teams, so that team sizes vary.
    const team =
      i < teams.length * 5 ? teams[i % teams.length] : random.pick(teams);
    const memberOf = [team.name];
    if (i % 9 === 4) {
      // Staff roles: also members of their department.
      memberOf.push(team.department);
    }
    const identities: string[] = [];
    if (team.provider === 'bedrock') {
      identities.push(`arn:aws:iam::${AWS_ACCOUNT}:user/${name}`);
    }
    if (i % 12 === 7) {
      identities.push(`${name}-laptop-key`);
    }
    team.members.push(name);
    people.push({
      name,
      displayName: `${first} ${last}`,
      email,
      githubLogin: name.replace(/-/g, ''),
      team: team.name,
      memberOf,
      identities,
    });
  }

  // Components: round robin over teams so that every team owns at least one.
  const componentNames = new UniqueNames();
  const components: DemoComponent[] = [];
  const typeCounts = new Map<string, number>();
  for (let i = 0; i < componentCount; i++) {
    const random = Random.derive(seed, `component:${i}`);
    const team = teams[i % teams.length];
    const type = componentType(random.next());
    // A team's components of one type take the suffixes in turn (api, then worker, ...), skipping
    // one that repeats the team name (no `gateway-gateway`).
    const suffixes = COMPONENT_SUFFIXES[type].filter(
      suffix => !team.name.endsWith(suffix),
    );
    const sameType = typeCounts.get(`${team.name}:${type}`) ?? 0;
    typeCounts.set(`${team.name}:${type}`, sameType + 1);
    const name = componentNames.take(
      `${team.name}-${suffixes[sameType % suffixes.length]}`,
    );
    team.components.push(name);
    components.push({
      name,
      type,
      slug: `${ORGANIZATION}/${name}`,
      owner: groupRef(team.name),
      team: team.name,
      system: teamSystem.get(team.name)!,
      domain: team.department,
    });
  }
  // One component is owned by a person directly, as small tools often are.
  const personalComponent = components[components.length - 1];
  const personalOwner = teamByName.get(personalComponent.team)!.members[0];
  if (personalOwner) {
    personalComponent.owner = `user:default/${personalOwner}`;
  }

  return {
    entities: [
      ...[root, ...departments, ...teamNodes].map(groupEntity),
      ...people.map(userEntity),
      ...departments.map(department => domainEntity(department.name)),
      ...departments.flatMap(department =>
        departmentSystems
          .get(department.name)!
          .map(system => systemEntity(system, department.name)),
      ),
      ...components.map(componentEntity),
    ],
    people,
    teams,
    components,
  };
}

/** 60% services, 25% websites, 15% libraries. */
function componentType(roll: number): DemoComponent['type'] {
  if (roll < 0.6) return 'service';
  return roll < 0.85 ? 'website' : 'library';
}

function groupEntity(node: GroupNode): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: node.name,
      description:
        node.type === 'organization'
          ? 'The Acme demo organisation'
          : `${titleCase(node.name)} ${node.type}`,
    },
    spec: {
      type: node.type,
      profile: {
        displayName:
          node.type === 'organization' ? 'Acme Corp' : titleCase(node.name),
      },
      ...(node.parent ? { parent: node.parent } : {}),
      children: node.children,
    },
  };
}

function userEntity(person: DemoPerson): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: {
      name: person.name,
      annotations: {
        'github.com/user-login': person.githubLogin,
        ...(person.identities.length
          ? { 'claude-code-analytics/identities': person.identities.join(',') }
          : {}),
      },
    },
    spec: {
      profile: { displayName: person.displayName, email: person.email },
      memberOf: person.memberOf,
    },
  };
}

function domainEntity(department: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Domain',
    metadata: {
      name: department,
      description: `Everything the ${titleCase(department)} department runs`,
    },
    spec: { owner: groupRef(department) },
  };
}

function systemEntity(system: string, department: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: system, description: `${titleCase(system)} system` },
    spec: { owner: groupRef(department), domain: department },
  };
}

function componentEntity(component: DemoComponent): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: component.name,
      description: `${titleCase(component.name)} (${component.type})`,
      annotations: { 'github.com/project-slug': component.slug },
    },
    spec: {
      type: component.type,
      lifecycle: 'production',
      owner: component.owner,
      system: component.system,
    },
  };
}
