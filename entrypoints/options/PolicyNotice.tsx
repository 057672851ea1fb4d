import type { LockMode, PolicySummary } from '@/utils/model';
import { t } from '@/components/i18n';

/** Props for {@link PolicyNotice}. */
export interface PolicyNoticeProps {
  policy: PolicySummary;
  /** The passphrase lock now: a required lock not yet set is an action, not a remark. */
  lockMode: LockMode;
}

/**
 * What the organisation's managed configuration means here (docs/admin.md): that it manages Token
 * Keeper, the lock it requires, and every part of its policy that is ignored, with the reason.
 */
export function PolicyNotice({ policy, lockMode }: PolicyNoticeProps) {
  const lockMissing = policy.requireLock && lockMode === 'off';
  const troubled = policy.problems.length > 0 || lockMissing;
  return (
    <div
      class={troubled ? 'notice notice-warn policy-notice' : 'notice notice-muted policy-notice'}
      data-testid="policy-notice"
    >
      <p class="notice-title">{t('policyManaged')}</p>
      {policy.requireLock && !lockMissing && (
        <p data-testid="policy-require-lock">{t('policyRequireLock')}</p>
      )}
      {lockMissing && (
        <p data-testid="policy-require-lock" data-missing="true">
          {t('policyRequireLockMissing')} <a href="#settings">{t('policySetPassphrase')}</a>
        </p>
      )}
      {policy.problems.length > 0 && (
        <>
          <p>{t('policyProblemsTitle', String(policy.problems.length))}</p>
          <ul class="policy-problems" data-testid="policy-problems">
            {policy.problems.map((problem) => (
              <li key={`${problem.where}\n${problem.message}`} data-testid="policy-problem">
                <code>{problem.where}</code> — {problem.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
