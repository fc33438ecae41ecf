import { makeStyles, Typography } from '@material-ui/core';

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

/** Props of {@link AdoptionStat}. */
export type AdoptionStatProps = {
  label: string;
  /** The number as shown, usually compact. */
  value: string;
  /** The exact number, shown on hover when `value` is rounded. */
  exactValue?: string;
  /** A second line under the value, e.g. a share. */
  detail?: string;
};

/** One labelled number of the adoption card, as a term and its description in a `<dl>`. */
export function AdoptionStat(props: AdoptionStatProps) {
  const { label, value, exactValue, detail } = props;
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
    </div>
  );
}
