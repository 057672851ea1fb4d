import type { ProviderKind } from '@/utils/model';

/** Props for {@link ProviderIcon}. */
export interface ProviderIconProps {
  provider: ProviderKind;
}

/**
 * A small mark per provider, decorative: the provider's name is always written next to it. A styled
 * element rather than an SVG (components/theme.css draws it, the custom provider's key included): the popup
 * draws fifty in its first frame, and an SVG's elements cost several times as much to create.
 */
export function ProviderIcon({ provider }: ProviderIconProps) {
  return (
    <span
      class={`provider-icon provider-${provider}`}
      aria-hidden="true"
      data-testid="provider-icon"
      data-provider={provider}
    >
      {provider === 'jira' ? 'J' : provider === 'google' ? 'G' : null}
    </span>
  );
}
