import { makeStyles, Typography } from '@material-ui/core';
import { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  stat: {
    minWidth: 0,
  },
  label: {
    display: 'block',
    color: theme.palette.text.secondary,
  },
  value: {
    margin: 0,
    fontWeight: theme.typography.fontWeightBold as number,
  },
  detail: {
    margin: 0,
    color: theme.palette.text.secondary,
  },
}));

/** Props of {@link Stat}. */
export type StatProps = {
  label: string;
  /** The number as shown, usually compact. */
  value: string;
  /**
   * Shown on hover of the value: the exact number when `value` is rounded, or why there is no
   * number.
   */
  exactValue?: string;
  /** A second line under the value, e.g. a share. */
  detail?: string;
  /** Further descriptions of the term after the detail, each a `dd`, e.g. a badge. */
  children?: ReactNode;
};

/** One labelled number of a card, as a term and its description in a {@link StatList}. */
export function Stat(props: StatProps) {
  const { label, value, exactValue, detail, children } = props;
  const classes = useStyles();
  return (
    <div className={classes.stat}>
      <Typography component="dt" variant="caption" className={classes.label}>
        {label}
      </Typography>
      <Typography
        component="dd"
        variant="h6"
        className={classes.value}
        title={exactValue !== value ? exactValue : undefined}
      >
        {value}
      </Typography>
      {detail && (
        <Typography component="dd" variant="body2" className={classes.detail}>
          {detail}
        </Typography>
      )}
      {children}
    </div>
  );
}
