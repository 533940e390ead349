<?php
/**
 * Hostwright — WHMCS provisioning (server) module.
 *
 * Talks to Hostwright's native API (/api/v1) with the server's Access Hash as a Bearer token,
 * over HTTPS with certificate checks when the server entry is marked Secure (plain HTTP otherwise).
 * Every create is keyed on WHMCS' service id (Idempotency-Key + the account's external_id), so a
 * retried CreateAccount never makes a second account. Each function returns 'success' or the
 * panel's message verbatim, and every call is written to the Module Log with secrets masked.
 *
 * PHP 8.1+, ext-curl, ext-json.
 */

if (!defined('WHMCS') && !defined('HOSTWRIGHT_HARNESS')) {
    die('This file cannot be accessed directly');
}

const HOSTWRIGHT_TIMEOUT_SECONDS = 60;

function hostwright_MetaData(): array
{
    return [
        'DisplayName' => 'Hostwright',
        'APIVersion' => '1.1',
        'RequiresServer' => true,
        'DefaultSSLPort' => '8443',
        'DefaultNonSSLPort' => '8443',
    ];
}

function hostwright_ConfigOptions(): array
{
    return [
        'Package' => [
            'Type' => 'text',
            'Size' => '32',
            'Loader' => 'hostwright_LoadPackages',
            'SimpleMode' => true,
            'Description' => 'The Hostwright package name (exact, case-sensitive)',
        ],
    ];
}

/** Fills the Package dropdown from the panel: [name => "name (disk, traffic)"]. */
function hostwright_LoadPackages(array $params): array
{
    $r = hostwright_call($params, 'LoadPackages', 'GET', '/api/v1/packages');
    if (!$r['ok']) {
        throw new Exception(hostwright_error($r));
    }
    $list = [];
    foreach ($r['body']['data'] ?? [] as $p) {
        $list[$p['name']] = sprintf('%s (%s disk, %s traffic)', $p['name'], hostwright_mb($p['disk_quota_mb'] ?? 0), hostwright_mb($p['bandwidth_mb'] ?? 0));
    }
    return $list;
}

function hostwright_TestConnection(array $params): array
{
    $r = hostwright_call($params, 'TestConnection', 'GET', '/api/v1/packages');
    return $r['ok'] ? ['success' => true, 'error' => ''] : ['success' => false, 'error' => hostwright_error($r)];
}

function hostwright_CreateAccount(array $params): string
{
    try {
        $serviceId = (string) $params['serviceid'];
        $client = hostwright_client($params);
        if (is_string($client)) {
            return $client;
        }
        $body = [
            'username' => (string) $params['username'],
            'domain' => (string) $params['domain'],
            'email' => (string) ($params['clientsdetails']['email'] ?? ''),
            'password' => (string) $params['password'],
            'package' => (string) $params['configoption1'],
            'external_id' => $serviceId,
        ];
        if ($client !== null) {
            $body['client_id'] = $client;
        }
        $r = hostwright_call($params, 'CreateAccount', 'POST', '/api/v1/accounts', $body, ['Idempotency-Key: whmcs-service-' . $serviceId]);
        if ($r['ok']) {
            return 'success';
        }
        // A retry after the key expired, or after the first answer was lost: the account is there.
        if ($r['status'] === 409) {
            $existing = hostwright_account($params);
            if (is_array($existing) && $existing['username'] === $body['username']) {
                return 'success';
            }
        }
        return hostwright_error($r);
    } catch (Throwable $e) {
        return $e->getMessage();
    }
}

/** WHMCS suspends for billing: the account's `billing` suspension (an abuse or admin one is not WHMCS' to add or lift). */
function hostwright_SuspendAccount(array $params): string
{
    return hostwright_on_account($params, function (array $account) use ($params) {
        if (hostwright_suspended_for($account, 'billing')) {
            return 'success';
        }
        $body = ['type' => 'billing'];
        $reason = trim((string) ($params['suspendreason'] ?? ''));
        if ($reason !== '') {
            $body['reason'] = $reason;
        }
        return hostwright_result(hostwright_call($params, 'SuspendAccount', 'POST', "/api/v1/accounts/{$account['id']}/suspend", $body));
    });
}

/**
 * Lifts the billing suspension. When another one remains (abuse, admin, client) the account stays
 * suspended and WHMCS is told so, instead of showing an Active service whose site is down.
 */
function hostwright_UnsuspendAccount(array $params): string
{
    return hostwright_on_account($params, function (array $account) use ($params) {
        if ($account['status'] === 'active') {
            return 'success';
        }
        // Also when no billing suspension is listed: one carried over from before types is lifted by it too (409: nothing of billing's was in force).
        $r = hostwright_call($params, 'UnsuspendAccount', 'POST', "/api/v1/accounts/{$account['id']}/unsuspend", ['type' => 'billing']);
        if ($r['ok']) {
            $account = $r['body']['data'] ?? $account;
        } elseif ($r['status'] !== 409) {
            return hostwright_error($r);
        }
        return ($account['status'] ?? '') === 'active' ? 'success' : hostwright_remains($account);
    });
}

function hostwright_suspended_for(array $account, string $type): bool
{
    foreach ($account['suspensions'] ?? [] as $s) {
        if (($s['type'] ?? null) === $type) {
            return true;
        }
    }
    return false;
}

/** "Account remains suspended (abuse: Spam complaint)". */
function hostwright_remains(array $account): string
{
    $why = array_map(fn ($s) => $s['type'] . (($s['reason'] ?? '') !== '' ? ': ' . $s['reason'] : ''), $account['suspensions'] ?? []);
    return 'Account remains suspended (' . ($why ? implode('; ', $why) : (string) ($account['status'] ?? 'unknown')) . ')';
}

function hostwright_TerminateAccount(array $params): string
{
    return hostwright_on_account($params, fn (array $account) => hostwright_result(hostwright_call($params, 'TerminateAccount', 'DELETE', "/api/v1/accounts/{$account['id']}")));
}

function hostwright_ChangePassword(array $params): string
{
    return hostwright_on_account($params, fn (array $account) => hostwright_result(hostwright_call($params, 'ChangePassword', 'PATCH', "/api/v1/accounts/{$account['id']}", ['password' => (string) $params['password']])));
}

function hostwright_ChangePackage(array $params): string
{
    return hostwright_on_account($params, fn (array $account) => hostwright_result(hostwright_call($params, 'ChangePackage', 'PATCH', "/api/v1/accounts/{$account['id']}", ['package' => (string) $params['configoption1']])));
}

/**
 * Once per server (daily cron): one call for every account's figures, written to tblhosting.
 * Matched by service id (the account's external id), else by domain; a use the panel has not
 * measured (null) is left as it is, a null limit is stored as 0 (unlimited).
 */
function hostwright_UsageUpdate(array $params): string
{
    try {
        $r = hostwright_call($params, 'UsageUpdate', 'GET', '/api/v1/usage');
        if (!$r['ok']) {
            return hostwright_error($r);
        }
        $serverId = $params['serverid'];
        foreach ($r['body']['data']['accounts'] ?? [] as $row) {
            $update = [
                'disklimit' => (int) ($row['disk_limit_mb'] ?? 0),
                'bwlimit' => (int) ($row['bandwidth_limit_mb'] ?? 0),
                'lastupdate' => date('Y-m-d H:i:s'),
            ];
            if ($row['disk_used_mb'] !== null) {
                $update['diskusage'] = (int) $row['disk_used_mb'];
            }
            if ($row['bandwidth_used_mb'] !== null) {
                $update['bwusage'] = (int) $row['bandwidth_used_mb'];
            }
            $query = \WHMCS\Database\Capsule::table('tblhosting')->where('server', $serverId);
            $query = ($row['external_id'] ?? null) !== null && ctype_digit((string) $row['external_id'])
                ? $query->where('id', (int) $row['external_id'])
                : $query->where('domain', $row['domain']);
            $query->update($update);
        }
        return 'success';
    } catch (Throwable $e) {
        return $e->getMessage();
    }
}

function hostwright_AdminServicesTabFields(array $params): array
{
    $account = hostwright_account($params);
    if (!is_array($account)) {
        return ['Hostwright' => htmlspecialchars((string) $account)];
    }
    $usage = hostwright_usage_of($params, $account);
    return [
        'Hostwright account' => htmlspecialchars("#{$account['id']} {$account['username']} ({$account['status']})"),
        'Primary domain' => htmlspecialchars($account['domain']),
        'PHP version' => htmlspecialchars((string) ($account['php_version'] ?? '')),
        'Disk' => htmlspecialchars(hostwright_use_text($usage['disk_used_mb'] ?? null, $usage['disk_limit_mb'] ?? null)),
        'Traffic' => htmlspecialchars(hostwright_use_text($usage['bandwidth_used_mb'] ?? null, $usage['bandwidth_limit_mb'] ?? null)),
    ];
}

function hostwright_ClientArea(array $params): array
{
    $account = hostwright_account($params);
    $usage = is_array($account) ? hostwright_usage_of($params, $account) : null;
    return [
        'templatefile' => 'templates/clientarea',
        'vars' => [
            'hw_error' => is_array($account) ? '' : (string) $account,
            'hw_status' => is_array($account) ? $account['status'] : '',
            'hw_disk' => $usage ? hostwright_use_text($usage['disk_used_mb'], $usage['disk_limit_mb']) : '',
            'hw_traffic' => $usage ? hostwright_use_text($usage['bandwidth_used_mb'], $usage['bandwidth_limit_mb']) : '',
        ],
    ];
}

// ---------------------------------------------------------------------------------------------

/** The panel account of this service: by external id (service id), else by username; else the message. */
function hostwright_account(array $params): array|string
{
    foreach (['external_id' => (string) $params['serviceid'], 'username' => (string) ($params['username'] ?? '')] as $field => $value) {
        if ($value === '') {
            continue;
        }
        $r = hostwright_call($params, 'FindAccount', 'GET', '/api/v1/accounts?' . http_build_query([$field => $value]));
        if (!$r['ok']) {
            return hostwright_error($r);
        }
        foreach ($r['body']['data'] ?? [] as $account) {
            // By username only an account no other service claims.
            if ($field === 'external_id' || ($account['external_id'] ?? null) === null || $account['external_id'] === (string) $params['serviceid']) {
                return $account;
            }
        }
    }
    return 'Account not found on the Hostwright server';
}

function hostwright_on_account(array $params, callable $then): string
{
    try {
        $account = hostwright_account($params);
        return is_array($account) ? $then($account) : $account;
    } catch (Throwable $e) {
        return $e->getMessage();
    }
}

/** The WHMCS client as a Hostwright client (external id = WHMCS client id): found, else created. Null without a client id. */
function hostwright_client(array $params): int|string|null
{
    $userId = (string) ($params['userid'] ?? ($params['clientsdetails']['userid'] ?? ''));
    if ($userId === '') {
        return null;
    }
    $r = hostwright_call($params, 'FindClient', 'GET', '/api/v1/clients?' . http_build_query(['external_id' => $userId]));
    if (!$r['ok']) {
        return hostwright_error($r);
    }
    if (!empty($r['body']['data'])) {
        return (int) $r['body']['data'][0]['id'];
    }
    $details = $params['clientsdetails'] ?? [];
    $name = trim(($details['firstname'] ?? '') . ' ' . ($details['lastname'] ?? '')) ?: ($details['email'] ?? "WHMCS client $userId");
    $body = [
        'name' => $name,
        'login' => 'whmcs' . $userId,
        'email' => (string) ($details['email'] ?? ''),
        'password' => (string) $params['password'],
        'external_id' => $userId,
    ];
    if (!empty($details['companyname'])) {
        $body['company'] = (string) $details['companyname'];
    }
    $r = hostwright_call($params, 'CreateClient', 'POST', '/api/v1/clients', $body, ['Idempotency-Key: whmcs-client-' . $userId]);
    if ($r['ok']) {
        return (int) $r['body']['data']['id'];
    }
    if ($r['status'] === 409) {
        $again = hostwright_call($params, 'FindClient', 'GET', '/api/v1/clients?' . http_build_query(['external_id' => $userId]));
        if ($again['ok'] && !empty($again['body']['data'])) {
            return (int) $again['body']['data'][0]['id'];
        }
    }
    return hostwright_error($r);
}

function hostwright_usage_of(array $params, array $account): ?array
{
    $r = hostwright_call($params, 'Usage', 'GET', '/api/v1/usage');
    return $r['ok'] ? ($r['body']['data']['by_id'][(string) $account['id']] ?? null) : null;
}

function hostwright_use_text(?int $used, ?int $limit): string
{
    $usedText = $used === null ? 'not measured' : ($used === 0 ? '0 MB' : hostwright_mb($used));
    return $usedText . ' of ' . ($limit === null ? 'unlimited' : hostwright_mb($limit));
}

function hostwright_mb(int|float|null $mb): string
{
    if (!$mb) {
        return 'unlimited';
    }
    return $mb >= 1024 ? (round($mb / 1024, 1) . ' GB') : ($mb . ' MB');
}

function hostwright_result(array $r): string
{
    return $r['ok'] ? 'success' : hostwright_error($r);
}

/** The panel's message verbatim, with its per-field details; or what went wrong on the way. */
function hostwright_error(array $r): string
{
    if ($r['transport'] !== null) {
        return $r['transport'];
    }
    $body = $r['body'];
    if (!is_array($body) || !isset($body['message'])) {
        return "HTTP {$r['status']}: " . substr((string) $r['raw'], 0, 500);
    }
    $message = (string) $body['message'];
    if (!empty($body['details']) && is_array($body['details'])) {
        $message .= ': ' . implode('; ', array_map(fn ($d) => ($d['field'] ?? '') . ': ' . ($d['message'] ?? ''), $body['details']));
    }
    return $message;
}

/** The panel's base URL from the server entry: https (verified) when Secure is ticked, http otherwise. */
function hostwright_base_url(array $params): string
{
    $secure = hostwright_secure($params);
    $host = trim((string) (($params['serverhostname'] ?? '') !== '' ? $params['serverhostname'] : ($params['serverip'] ?? '')));
    $port = trim((string) ($params['serverport'] ?? ''));
    if ($port === '') {
        $port = '8443';
    }
    if (str_contains($host, ':') && !str_starts_with($host, '[')) {
        $host = "[$host]"; // an IPv6 address
    }
    return ($secure ? 'https' : 'http') . "://$host:$port";
}

function hostwright_secure(array $params): bool
{
    $value = $params['serversecure'] ?? true;
    return !($value === false || $value === 0 || $value === '0' || $value === '' || $value === 'off' || $value === 'false');
}

/**
 * One call to the panel. Returns ok (2xx), status, body (decoded JSON), raw and transport (a
 * cURL failure). Logged with logModuleCall; the token and any password are masked.
 */
function hostwright_call(array $params, string $action, string $method, string $path, ?array $body = null, array $headers = []): array
{
    $token = (string) ($params['serveraccesshash'] ?? '');
    $url = hostwright_base_url($params) . $path;
    $payload = $body === null ? null : json_encode((object) $body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    $ch = curl_init($url);
    $sendHeaders = array_merge(['Accept: application/json', 'Authorization: Bearer ' . $token, 'User-Agent: hostwright-whmcs/1.0'], $headers);
    if ($payload !== null) {
        $sendHeaders[] = 'Content-Type: application/json';
        curl_setopt($ch, CURLOPT_POSTFIELDS, $payload);
    }
    $secure = hostwright_secure($params);
    curl_setopt_array($ch, [
        CURLOPT_CUSTOMREQUEST => $method,
        CURLOPT_RETURNTRANSFER => true,
        CURLOPT_HTTPHEADER => $sendHeaders,
        CURLOPT_CONNECTTIMEOUT => 10,
        CURLOPT_TIMEOUT => HOSTWRIGHT_TIMEOUT_SECONDS,
        CURLOPT_SSL_VERIFYPEER => $secure,
        CURLOPT_SSL_VERIFYHOST => $secure ? 2 : 0,
        CURLOPT_FOLLOWLOCATION => false,
        CURLOPT_PROTOCOLS => CURLPROTO_HTTP | CURLPROTO_HTTPS,
    ]);
    $raw = curl_exec($ch);
    $transport = $raw === false ? 'Could not reach the Hostwright server: ' . curl_error($ch) : null;
    $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
    curl_close($ch);
    $decoded = is_string($raw) && $raw !== '' ? json_decode($raw, true) : null;
    $result = ['ok' => $transport === null && $status >= 200 && $status < 300, 'status' => $status, 'body' => $decoded, 'raw' => (string) $raw, 'transport' => $transport];

    $secrets = array_values(array_filter([$token, (string) ($params['password'] ?? ''), (string) ($body['password'] ?? '')], fn ($s) => $s !== ''));
    $logged = $payload === null ? '' : preg_replace('/("password"\s*:\s*)"(?:[^"\\\\]|\\\\.)*"/', '$1"********"', $payload);
    if (function_exists('logModuleCall')) {
        logModuleCall('hostwright', $action, "$method $url\n" . $logged, $transport ?? ("HTTP $status\n" . $result['raw']), $decoded, $secrets);
    }
    return $result;
}
