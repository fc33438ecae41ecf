import { alpha, colors, makeStyles, Typography } from '@material-ui/core';
import { DoraTier } from 'backstage-plugin-claude-code-analytics-common';

/** Hues per tier; the badge also names the tier, so colour is never the only cue. */
const TIER_HUES: Record<DoraTier, Record<string, string>> = {
  elite: colors.green,
  high: colors.blue,
  medium: colors.amber,
  low: colors.red,
};

/** Dark text on a light tint; light text on a dark tint in the dark theme. */
const LIGHT_THEME_TEXT: Record<DoraTier, string> = {
  elite: colors.green[900],
  high: colors.blue[900],
  // amber[900] is too light on its own tint; this is the warning text of MUI's light Alert.
  medium: '#663c00',
  low: colors.red[900],
};

const TIER_NAMES: Record<DoraTier, string> = {
  elite: 'Elite',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

const useStyles = makeStyles(theme => {
  const dark = theme.palette.type === 'dark';
  const tierClass = (tier: DoraTier) => {
    const hue = TIER_HUES[tier];
    return {
      color: dark ? hue[200] : LIGHT_THEME_TEXT[tier],
      backgroundColor: alpha(hue[dark ? 300 : 500], dark ? 0.16 : 0.12),
      borderColor: alpha(hue[dark ? 200 : 700], 0.5),
    };
  };
  return {
    item: {
      margin: 0,
    },
    badge: {
      display: 'inline-block',
      margin: theme.spacing(0.5, 0, 0, 0),
      padding: theme.spacing(0, 0.75),
      border: '1px solid',
      borderRadius: theme.shape.borderRadius,
      fontWeight: theme.typography.fontWeightBold as number,
      lineHeight: 1.6,
    },
    elite: tierClass('elite'),
    high: tierClass('high'),
    medium: tierClass('medium'),
    low: tierClass('low'),
    visuallyHidden: {
      position: 'absolute',
      width: 1,
      height: 1,
      overflow: 'hidden',
      clip: 'rect(0 0 0 0)',
      whiteSpace: 'nowrap',
    },
  };
});

/** Props of {@link TierBadge}. */
export type TierBadgeProps = {
  tier: DoraTier;
  /** Which tier table the tier comes from, e.g. `DORA 2024` or `Apache DevLake`. */
  source: string;
};

/** The DORA tier of a metric as a labelled, coloured badge, inline (e.g. in a table cell). */
export function TierLabel(props: TierBadgeProps) {
  const { tier, source } = props;
  const classes = useStyles();
  return (
    <Typography
      component="span"
      variant="caption"
      className={`${classes.badge} ${classes[tier]}`}
      title={`${TIER_NAMES[tier]} tier (${source} tiers)`}
    >
      <span className={classes.visuallyHidden}>DORA tier: </span>
      {TIER_NAMES[tier]}
    </Typography>
  );
}

/** The DORA tier of a metric as a labelled, coloured badge, described as a `dd`. */
export function TierBadge(props: TierBadgeProps) {
  const classes = useStyles();
  return (
    <dd className={classes.item}>
      <TierLabel {...props} />
    </dd>
  );
}
