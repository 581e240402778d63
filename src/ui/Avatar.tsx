import { hue, initials } from './format.ts';

export function Avatar(props: { name: string; seed: string; small?: boolean }) {
  return (
    <span class="hm-avatar" classList={{ 'hm-avatar-small': props.small }} style={{ '--hm-avatar-hue': String(hue(props.seed)) }} aria-hidden="true">
      {initials(props.name)}
    </span>
  );
}
