import { hue, initials } from './format.ts';

/** A round badge with the initials of `name`, its colour derived from `seed` (a key or sid). */
export function Avatar(props: { name: string; seed: string }) {
  return (
    <span
      class="hm-avatar"
      style={{ '--hm-avatar-hue': String(hue(props.seed)) }}
      aria-hidden="true"
    >
      {initials(props.name)}
    </span>
  );
}
