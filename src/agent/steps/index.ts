import { certificateStep, databasesStep, mailDeferredStep, phpVersionStep, shellNologinStep, vhostSuspendedStep } from './lifecycle-steps';
import { dnsStep, homeStep, mailboxStep, mailStep, passwordStep, phpPoolStep, reloadStep, userStep, vhostStep } from './create-steps';
import { StepCatalog, StepDeps } from './step';

/** Every step the agent can run, built over one set of dependencies. */
export function buildSteps(deps: StepDeps): StepCatalog {
  return {
    user: userStep(deps),
    password: passwordStep(deps),
    home: homeStep(deps),
    php_pool: phpPoolStep(deps),
    vhost: vhostStep(deps),
    dns: dnsStep(deps),
    mail: mailStep(deps),
    certificate: certificateStep(deps),
    databases: databasesStep(deps),
    vhost_suspended: vhostSuspendedStep(deps),
    shell_nologin: shellNologinStep(deps),
    mail_deferred: mailDeferredStep(deps),
    php_version: phpVersionStep(deps),
    mailbox: mailboxStep(deps),
    reload: reloadStep(deps),
  };
}

export * from './step';
