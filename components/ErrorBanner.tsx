import { t } from './i18n';

/** Props for {@link ErrorBanner}. */
export interface ErrorBannerProps {
  message: string;
  onRetry: () => void;
}

/** The worker could not be reached or failed: say so, and offer to try again. */
export function ErrorBanner({ message, onRetry }: ErrorBannerProps) {
  return (
    <div class="banner" role="alert">
      <p>{message}</p>
      <button type="button" onClick={onRetry}>
        {t('tryAgain')}
      </button>
    </div>
  );
}
