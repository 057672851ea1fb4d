import type { ProviderKind } from '@/utils/model';

/** Props for {@link ProviderIcon}. */
export interface ProviderIconProps {
  provider: ProviderKind;
  /** Edge length in CSS pixels. */
  size?: number;
}

/** A small mark per provider, decorative: the provider's name is always written next to it. */
export function ProviderIcon({ provider, size = 28 }: ProviderIconProps) {
  return (
    <svg
      class={`provider-icon provider-${provider}`}
      width={size}
      height={size}
      viewBox="0 0 28 28"
      aria-hidden="true"
      focusable="false"
      data-testid="provider-icon"
      data-provider={provider}
    >
      <rect width="28" height="28" rx="7" class="provider-icon-bg" />
      {provider === 'custom' ? (
        // A key: any OAuth 2.0 / OpenID Connect server.
        <g class="provider-icon-fg" fill="none" stroke-width="2.4" stroke-linecap="round">
          <circle cx="10" cy="14" r="4.5" />
          <path d="M14.5 14h8M19.5 14v3.5M22.5 14v2.5" />
        </g>
      ) : (
        <text x="14" y="19.5" text-anchor="middle" class="provider-icon-letter">
          {provider === 'jira' ? 'J' : 'G'}
        </text>
      )}
    </svg>
  );
}
