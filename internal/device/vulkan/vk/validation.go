package vk

import (
	"fmt"
	"sync"
	"unsafe"
)

// When the validation layer is on, an instance registers a VK_EXT_debug_utils messenger that
// records the layer's errors and warnings, for ValidationMessages.

const (
	stDebugUtilsMessengerCreateInfo = 1000128004
	severityWarning                 = 0x100
	severityError                   = 0x1000
	messageGeneral                  = 0x1
	messageValidation               = 0x2
	messagePerformance              = 0x4
)

type vkDebugUtilsMessengerCreateInfo struct {
	sType           uint32
	pNext           uintptr
	flags           uint32
	messageSeverity uint32
	messageType     uint32
	pfnUserCallback uintptr
	pUserData       uintptr
}

type vkDebugUtilsMessengerCallbackData struct {
	sType           uint32
	pNext           uintptr
	flags           uint32
	pMessageIdName  *byte
	messageIdNumber int32
	pMessage        *byte
}

// messengers are the instances with a messenger, by the pUserData the callback gets.
var messengers struct {
	sync.Mutex
	cb    uintptr // the C callback, made once
	next  uintptr
	byKey map[uintptr]*Instance
}

// debugCallback is the messenger's callback: it records the message in its instance.
func debugCallback(severity, types uint32, data *vkDebugUtilsMessengerCallbackData, user uintptr) uint32 {
	messengers.Lock()
	in := messengers.byKey[user]
	messengers.Unlock()
	if in == nil || data == nil {
		return 0
	}
	kind := "warning"
	if severity&severityError != 0 {
		kind = "error"
	}
	msg := kind + ": " + cString(data.pMessage)
	in.valMu.Lock()
	in.valMsgs = append(in.valMsgs, msg)
	in.valMu.Unlock()
	return 0 // VK_FALSE: the call goes on
}

// cString returns the C string at p.
func cString(p *byte) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}

// startMessenger registers a messenger for in; it needs VK_EXT_debug_utils enabled.
func (in *Instance) startMessenger() error {
	create := call(global.getProc, in.handle, cstringOnce("vkCreateDebugUtilsMessengerEXT"))
	destroy := call(global.getProc, in.handle, cstringOnce("vkDestroyDebugUtilsMessengerEXT"))
	if create == 0 || destroy == 0 {
		return fmt.Errorf("vulkan: VK_EXT_debug_utils has no messenger commands")
	}
	messengers.Lock()
	if messengers.cb == 0 {
		messengers.cb = newCallback(debugCallback)
		messengers.byKey = map[uintptr]*Instance{}
	}
	messengers.next++
	key := messengers.next
	messengers.byKey[key] = in
	cb := messengers.cb
	messengers.Unlock()

	a := getArena()
	defer putArena(a)
	info := put(a, vkDebugUtilsMessengerCreateInfo{
		sType:           stDebugUtilsMessengerCreateInfo,
		messageSeverity: severityWarning | severityError,
		messageType:     messageGeneral | messageValidation | messagePerformance,
		pfnUserCallback: cb,
		pUserData:       key,
	})
	out := newT[uint64](a)
	if err := check("vkCreateDebugUtilsMessengerEXT", Result(call(create, in.handle, info, 0, addrOf(out)))); err != nil {
		messengers.Lock()
		delete(messengers.byKey, key)
		messengers.Unlock()
		return err
	}
	in.messenger, in.messengerKey, in.destroyMessenger = *out, key, destroy
	return nil
}

// stopMessenger unregisters in's messenger.
func (in *Instance) stopMessenger() {
	if in.messenger == 0 {
		return
	}
	call(in.destroyMessenger, in.handle, uintptr(in.messenger), 0)
	in.messenger = 0
	messengers.Lock()
	delete(messengers.byKey, in.messengerKey)
	messengers.Unlock()
}

// ValidationMessages returns the errors and warnings the validation layer reported since the
// last call, and forgets them. It returns nil when validation is off.
func (in *Instance) ValidationMessages() []string {
	in.valMu.Lock()
	defer in.valMu.Unlock()
	m := in.valMsgs
	in.valMsgs = nil
	return m
}

// cstrings made once, for lookups that outlive an arena.
var cstringCache struct {
	sync.Mutex
	a *arena
	m map[string]uintptr
}

func cstringOnce(s string) uintptr {
	cstringCache.Lock()
	defer cstringCache.Unlock()
	if p, ok := cstringCache.m[s]; ok {
		return p
	}
	if cstringCache.a == nil {
		cstringCache.a, cstringCache.m = &arena{}, map[string]uintptr{}
	}
	p := cstringCache.a.cstring(s)
	cstringCache.m[s] = p
	return p
}
