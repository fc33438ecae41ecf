import fs from 'node:fs';
import path from 'node:path';
import {
  type Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { parseAllDocuments } from 'yaml';
import {
  DEFAULT_DEMO_ORG_OPTIONS,
  type DemoOrg,
  generateDemoOrg,
} from './generateDemoOrg';
import { renderDemoOrgYaml } from './renderDemoOrgYaml';

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const DEMO_ORG_FILE = path.join(REPO_ROOT, 'examples/demo-org.yaml');

const ofKind = (org: DemoOrg, kind: string) =>
  org.entities.filter(entity => entity.kind === kind);

const spec = (entity: Entity) => entity.spec as Record<string, any>;

/** Levels of each group, the root being 1. */
function groupLevels(org: DemoOrg): Map<string, number> {
  const groups = new Map(
    ofKind(org, 'Group').map(group => [group.metadata.name, group]),
  );
  const levels = new Map<string, number>();
  const levelOf = (name: string): number => {
    const known = levels.get(name);
    if (known !== undefined) return known;
    const parent = spec(groups.get(name)!).parent;
    const level = parent ? levelOf(parent) + 1 : 1;
    levels.set(name, level);
    return level;
  };
  groups.forEach((_, name) => levelOf(name));
  return levels;
}

describe('generateDemoOrg', () => {
  const org = generateDemoOrg(DEFAULT_DEMO_ORG_OPTIONS);

  it('has an organisation, departments, teams and squads', () => {
    const groups = ofKind(org, 'Group');
    const byType = (type: string) =>
      groups.filter(group => spec(group).type === type);
    expect(byType('organization').map(g => g.metadata.name)).toEqual(['acme']);
    expect(byType('department').length).toBeGreaterThanOrEqual(3);
    expect(byType('team').length).toBeGreaterThanOrEqual(8);
    expect(byType('squad').length).toBeGreaterThanOrEqual(1);
    expect(org.teams).toHaveLength(DEFAULT_DEMO_ORG_OPTIONS.teams);
    expect(Math.max(...groupLevels(org).values())).toBe(4);
  });

  it('links parents and children both ways', () => {
    const groups = new Map(
      ofKind(org, 'Group').map(group => [group.metadata.name, group]),
    );
    const broken: string[] = [];
    for (const [name, group] of groups) {
      const { parent, children } = spec(group);
      if (parent && !spec(groups.get(parent)!).children.includes(name)) {
        broken.push(`${parent} does not list its child ${name}`);
      }
      for (const child of children) {
        if (spec(groups.get(child)!).parent !== name) {
          broken.push(`${child} does not name its parent ${name}`);
        }
      }
    }
    expect(broken).toEqual([]);
    expect([...groups.values()].filter(g => !spec(g).parent)).toHaveLength(1);
  });

  it('has users with emails, GitHub logins and extra identities', () => {
    const users = ofKind(org, 'User');
    expect(users.length).toBeGreaterThanOrEqual(60);
    const emails = users.map(user => spec(user).profile.email as string);
    const logins = users.map(
      user => user.metadata.annotations?.['github.com/user-login'],
    );
    emails.forEach(email => expect(email).toMatch(/^[\w.]+@acme\.example$/));
    logins.forEach(login => expect(login).toMatch(/^[a-z0-9]+$/));
    expect(new Set(emails.map(e => e.toLowerCase())).size).toBe(users.length);
    expect(new Set(logins).size).toBe(users.length);
    expect(emails.some(email => email !== email.toLowerCase())).toBe(true);
    expect(emails.some(email => email === email.toLowerCase())).toBe(true);

    const identities = users.flatMap(user =>
      (user.metadata.annotations?.['claude-code-analytics/identities'] ?? '')
        .split(',')
        .filter(Boolean),
    );
    expect(identities.some(id => id.endsWith('-laptop-key'))).toBe(true);
    expect(
      identities.some(id => id.startsWith('arn:aws:iam::123456789012:user/')),
    ).toBe(true);
    expect(users.some(user => spec(user).memberOf.length === 2)).toBe(true);
    expect(
      users.filter(user => spec(user).memberOf.length === 1).length,
    ).toBeGreaterThan(users.length / 2);
  });

  it('has components in systems and domains', () => {
    const components = ofKind(org, 'Component');
    expect(components.length).toBeGreaterThanOrEqual(25);
    for (const component of components) {
      expect(spec(component).lifecycle).toBe('production');
      expect(['service', 'website', 'library']).toContain(spec(component).type);
      expect(component.metadata.annotations?.['github.com/project-slug']).toBe(
        `acme/${component.metadata.name}`,
      );
    }
    const owners = components.map(c => parseEntityRef(spec(c).owner).kind);
    expect(owners.filter(kind => kind === 'user')).toHaveLength(1);
    expect(owners.filter(kind => kind === 'group')).toHaveLength(
      components.length - 1,
    );
    expect(ofKind(org, 'System').length).toBeGreaterThan(
      ofKind(org, 'Domain').length,
    );
    expect(ofKind(org, 'Domain').length).toBe(
      ofKind(org, 'Group').filter(g => spec(g).type === 'department').length,
    );
  });

  it('has unique names and only references that resolve', () => {
    const refs = org.entities.map(entity => stringifyEntityRef(entity));
    expect(new Set(refs).size).toBe(refs.length);
    const known = new Set(refs);
    const resolves = (ref: string, defaultKind: string) =>
      known.has(
        stringifyEntityRef(
          parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' }),
        ),
      );

    const unresolved: string[] = [];
    for (const entity of org.entities) {
      const s = spec(entity);
      const references: [string | undefined, string][] = [
        [s.owner, 'Group'],
        [s.system, 'System'],
        [s.domain, 'Domain'],
        [s.parent, 'Group'],
        ...((s.children ?? []) as string[]).map((child): [string, string] => [
          child,
          'Group',
        ]),
        ...((s.memberOf ?? []) as string[]).map((group): [string, string] => [
          group,
          'Group',
        ]),
      ];
      for (const [ref, kind] of references) {
        if (ref !== undefined && !resolves(ref, kind)) {
          unresolved.push(`${stringifyEntityRef(entity)} -> ${ref}`);
        }
      }
    }
    expect(unresolved).toEqual([]);
  });

  it('is deterministic', () => {
    expect(generateDemoOrg(DEFAULT_DEMO_ORG_OPTIONS)).toEqual(org);
    expect(
      generateDemoOrg({ ...DEFAULT_DEMO_ORG_OPTIONS, seed: 7 }).entities,
    ).not.toEqual(org.entities);
  });

  it('scales to a benchmark organisation', () => {
    const big = generateDemoOrg({
      seed: 1,
      engineers: 5000,
      components: 2000,
      teams: 500,
      groupDepth: 5,
    });
    expect(ofKind(big, 'Group').length).toBeGreaterThanOrEqual(500);
    expect(Math.max(...groupLevels(big).values())).toBe(5);
    expect(ofKind(big, 'User')).toHaveLength(5000);
    expect(ofKind(big, 'Component')).toHaveLength(2000);
    const refs = big.entities.map(entity => stringifyEntityRef(entity));
    expect(new Set(refs).size).toBe(refs.length);
  });

  it('renders YAML that reads back as the same entities', () => {
    const documents = parseAllDocuments(renderDemoOrgYaml(org));
    expect(Array.isArray(documents)).toBe(true);
    expect((documents as any[]).map(doc => doc.toJS())).toEqual(org.entities);
  });

  // examples/demo-org.yaml is generated: regenerate it with
  //   UPDATE_DEMO_ORG=1 CI=1 yarn backstage-cli package test src/demo/generateDemoOrg
  // whenever the generator changes, and commit the result.
  it('matches examples/demo-org.yaml', () => {
    const yaml = renderDemoOrgYaml(org);
    if (process.env.UPDATE_DEMO_ORG === '1') {
      fs.writeFileSync(DEMO_ORG_FILE, yaml);
    }
    expect(fs.readFileSync(DEMO_ORG_FILE, 'utf8')).toBe(yaml);
  });
});
