import { makeStyles } from '@material-ui/core';
import { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  stats: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(9rem, 1fr))',
    gap: theme.spacing(2),
    margin: 0,
  },
}));

/** Props of {@link StatList}. */
export type StatListProps = {
  /** Names the list for assistive technology, e.g. `Claude Code adoption numbers`. */
  label: string;
  /** {@link Stat}s. */
  children: ReactNode;
};

/** A grid of labelled numbers, as a description list. */
export function StatList(props: StatListProps) {
  const classes = useStyles();
  return (
    <dl className={classes.stats} aria-label={props.label}>
      {props.children}
    </dl>
  );
}
