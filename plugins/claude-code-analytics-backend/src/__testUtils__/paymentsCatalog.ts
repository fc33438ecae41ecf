import { Entity } from '@backstage/catalog-model';

/** The members of the payments team, by catalog name; their e-mail is `<name>@acme.example`. */
export const paymentsPeople = ['ada', 'grace', 'linus', 'margaret', 'dennis'];

/** The payments team: a Group of type team without sub-teams. */
export function paymentsGroup(): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments' },
    spec: { type: 'team', children: [] },
  };
}

/**
 * The payments team and its five members (`paymentsPeople`), each with `annotations(name)` when it
 * gives some.
 */
export function paymentsTeam(
  annotations: (name: string) => Record<string, string> | undefined = () =>
    undefined,
): Entity[] {
  return [
    paymentsGroup(),
    ...paymentsPeople.map(name => {
      const userAnnotations = annotations(name);
      return {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'User',
        metadata: userAnnotations
          ? { name, annotations: userAnnotations }
          : { name },
        spec: {
          profile: { email: `${name}@acme.example` },
          memberOf: ['payments'],
        },
      };
    }),
  ];
}

/** A production service Component owned by the payments team. */
export function paymentsService(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, annotations },
    spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
  };
}
