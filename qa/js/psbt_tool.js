#!/usr/bin/env node
// bitcoinjs-lib's side of qa/functional/wallet_bitcoinjs_test.py.
// Reads one JSON request on stdin, writes one JSON answer on stdout, so the
// Python test drives bitcoinjs-lib as it drives hashmintd, with no network.
//
// Requests ({"cmd": ..., "chain": "regtest"|"test"|"main", ...}):
//   key        {wif?}                       -> {wif, pubkey, address, p2pkh, p2sh_p2wpkh}: a new (or given) key,
//                                              its P2WPKH address and its other single-key addresses
//   address    {script}                     -> {address}: the address bitcoinjs encodes for a scriptPubKey
//   sign       {psbt, wif, finalize?}       -> {psbt, signed:[i...], hex?}: signs every input the key can sign
//   create     {inputs:[{txid,vout,sequence?,script,amount,witness_script?}],
//               outputs:[{address,amount}], locktime?, version?}
//                                           -> {psbt}: a new PSBT (amounts in base units)
//   inspect    {psbt}                       -> {txid?, inputs, outputs, fee?}: what bitcoinjs reads from it
//   extract    {psbt}                       -> {hex, txid}: finalizes what is left and extracts
//   p2tr       {internal, leaves:[script hex, ...]} (1 leaf, or 2 as one branch)
//                                           -> {address}: the P2TR address of that script tree
'use strict';

const bitcoin = require('bitcoinjs-lib');
const ecc = require('tiny-secp256k1');
const { ECPairFactory } = require('ecpair');

bitcoin.initEccLib(ecc);
const ECPair = ECPairFactory(ecc);

// hashmint's address and key parameters (doc/chain-params.md).
const TESTNET_BIP32 = { public: 0x043587cf, private: 0x04358394 };
const NETWORKS = {
  main: { messagePrefix: '\x18Hashmint Signed Message:\n', bech32: 'hm',
          bip32: { public: 0x0488b21e, private: 0x0488ade4 }, pubKeyHash: 40, scriptHash: 63, wif: 168 },
  test: { messagePrefix: '\x18Hashmint Signed Message:\n', bech32: 'thm',
          bip32: TESTNET_BIP32, pubKeyHash: 111, scriptHash: 196, wif: 239 },
  regtest: { messagePrefix: '\x18Hashmint Signed Message:\n', bech32: 'hmrt',
             bip32: TESTNET_BIP32, pubKeyHash: 111, scriptHash: 196, wif: 239 },
};

function network(req) {
  const n = NETWORKS[req.chain || 'regtest'];
  if (!n) throw new Error('unknown chain ' + req.chain);
  return n;
}

function p2wpkhAddress(pubkey, net) {
  return bitcoin.payments.p2wpkh({ pubkey, network: net }).address;
}

function cmdKey(req) {
  const net = network(req);
  const kp = req.wif ? ECPair.fromWIF(req.wif, net) : ECPair.makeRandom({ network: net });
  const pubkey = Buffer.from(kp.publicKey);
  const p2pkh = bitcoin.payments.p2pkh({ pubkey, network: net }).address;
  const p2sh = bitcoin.payments.p2sh({ redeem: bitcoin.payments.p2wpkh({ pubkey, network: net }), network: net });
  return { wif: kp.toWIF(), pubkey: pubkey.toString('hex'), address: p2wpkhAddress(pubkey, net), p2pkh,
           p2sh_p2wpkh: p2sh.address };
}

function cmdAddress(req) {
  return { address: bitcoin.address.fromOutputScript(Buffer.from(req.script, 'hex'), network(req)) };
}

function cmdSign(req) {
  const net = network(req);
  const psbt = bitcoin.Psbt.fromBase64(req.psbt, { network: net });
  const kp = ECPair.fromWIF(req.wif, net);
  const signed = [];
  for (let i = 0; i < psbt.inputCount; i++) {
    try {
      psbt.signInput(i, kp);
      signed.push(i);
    } catch (e) {
      // Not this key's input (bitcoinjs throws "Can not sign for this input...").
      if (!/Can not sign for this input/.test(String(e.message))) throw e;
    }
  }
  for (const i of signed)
    if (!psbt.validateSignaturesOfInput(i, (pub, hash, sig) => ecc.verify(hash, pub, sig)))
      throw new Error('bitcoinjs made an invalid signature on input ' + i);
  const out = { signed };
  if (req.finalize) {
    psbt.finalizeAllInputs();
    out.hex = psbt.extractTransaction().toHex();
  }
  out.psbt = psbt.toBase64();
  return out;
}

function cmdCreate(req) {
  const net = network(req);
  const psbt = new bitcoin.Psbt({ network: net });
  psbt.setVersion(req.version === undefined ? 2 : req.version);
  psbt.setLocktime(req.locktime || 0);
  for (const inp of req.inputs) {
    const data = {
      hash: inp.txid,
      index: inp.vout,
      sequence: inp.sequence === undefined ? 0xfffffffd : inp.sequence,
      witnessUtxo: { script: Buffer.from(inp.script, 'hex'), value: inp.amount },
    };
    if (inp.witness_script) data.witnessScript = Buffer.from(inp.witness_script, 'hex');
    psbt.addInput(data);
  }
  for (const o of req.outputs) psbt.addOutput({ address: o.address, value: o.amount });
  return { psbt: psbt.toBase64() };
}

function cmdInspect(req) {
  const psbt = bitcoin.Psbt.fromBase64(req.psbt, { network: network(req) });
  const tx = psbt.txInputs;
  return {
    version: psbt.version,
    locktime: psbt.locktime,
    inputs: psbt.data.inputs.map((d, i) => ({
      txid: Buffer.from(tx[i].hash).reverse().toString('hex'),
      vout: tx[i].index,
      partial_sigs: (d.partialSig || []).length,
      final: !!(d.finalScriptWitness || d.finalScriptSig),
      witness_utxo_amount: d.witnessUtxo ? Number(d.witnessUtxo.value) : null,
      bip32_derivations: (d.bip32Derivation || []).length,
    })),
    outputs: psbt.txOutputs.map(o => ({ amount: Number(o.value), address: o.address })),
  };
}

function cmdExtract(req) {
  const psbt = bitcoin.Psbt.fromBase64(req.psbt, { network: network(req) });
  psbt.data.inputs.forEach((d, i) => {
    if (!d.finalScriptWitness && !d.finalScriptSig) psbt.finalizeInput(i);
  });
  const tx = psbt.extractTransaction();
  return { hex: tx.toHex(), txid: tx.getId() };
}

function cmdP2tr(req) {
  const leaves = req.leaves.map(h => ({ output: Buffer.from(h, 'hex') }));
  const scriptTree = leaves.length === 1 ? leaves[0] : leaves;
  const p = bitcoin.payments.p2tr({ internalPubkey: Buffer.from(req.internal, 'hex'), scriptTree,
                                    network: network(req) });
  return { address: p.address };
}

const COMMANDS = { key: cmdKey, p2tr: cmdP2tr, address: cmdAddress, sign: cmdSign, create: cmdCreate,
                   inspect: cmdInspect, extract: cmdExtract };

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', c => { input += c; });
process.stdin.on('end', () => {
  try {
    const req = JSON.parse(input);
    const fn = COMMANDS[req.cmd];
    if (!fn) throw new Error('unknown command ' + req.cmd);
    process.stdout.write(JSON.stringify(fn(req)) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e && e.message ? e.message : e) }) + '\n');
    process.exitCode = 1;
  }
});
